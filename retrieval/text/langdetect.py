"""Tell the language of a source and of a question.

A text's letters first name its script; a script only one candidate language writes in
(Greek, Thai, Hangul...) settles it. Otherwise py3langid (a naive Bayes model over byte
n-grams that ships inside the package) chooses among the candidate languages of that script:
for a question, the languages of the indexed sources.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
from collections import Counter
from collections.abc import Collection, Iterable

from retrieval.languages import LANGUAGES, LATIN, script_of

# Of a source: its first SAMPLE_CHARS for the script and py3langid (99.8% right on XQuAD's
# paragraphs); its first _SAMPLE_WORDS words for the stopword profile, then up to
# _MORE_WORDS when those do not settle it (names and headings open many an article).
SAMPLE_CHARS = 400
_SAMPLE_WORDS = 60
_MORE_WORDS = 300
_ASCII_LETTER = re.compile("[A-Za-z]")
_NO_PUNCTUATION = str.maketrans(dict.fromkeys(".,;:!?\"'()«»“”’"))


_loading = threading.Lock()
_loaded: list[object] = []


def _identifier() -> object:
    """Return py3langid's identifier, loaded once (1.3 s: the model is xz-compressed) under
    a lock, so a question asked while `preload` runs waits for it instead of loading it too."""
    if not _loaded:
        with _loading:
            if not _loaded:
                from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

                _loaded.append(LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE))
    return _loaded[0]


def preload(languages: Collection[str]) -> None:
    """Start loading the model in the background when questions will need it: when two of
    the sources' languages share a script (most folders have one language, and no model)."""
    scripts = [
        script for code in languages if code in LANGUAGES for script in LANGUAGES[code].scripts
    ]
    if len(scripts) > len(set(scripts)) and not _loaded and not _loading.locked():
        threading.Thread(target=_identifier, name="sourcebot-langid", daemon=True).start()


@functools.cache
def _labels() -> frozenset[str]:
    return frozenset(_identifier().labels)  # type: ignore[attr-defined]


# py3langid's varieties of a language sourcebot analyses as that language.
_ALIASES = {"wuu": "zh", "yue": "zh", "ary": "ar", "arz": "ar", "nn": "no"}


def _rank(text: str, candidates: Collection[str] | None = None) -> str | None:
    """Return the most likely language of text by py3langid, among candidates if given."""
    pool = sorted(_labels() if candidates is None else set(candidates) & _labels())
    if len(pool) <= 1:
        return pool[0] if pool else None
    scores = dict(_identifier().rank(text))  # type: ignore[attr-defined]
    best = max(pool, key=lambda code: (scores.get(code, float("-inf")), code))
    return None if best == "zxx" else _ALIASES.get(best, best)  # zxx: "no language"


def scripts_of(text: str) -> Counter[str]:
    """Return how many letters of each script the first words of text have."""
    scripts: Counter[str] = Counter()
    for word in text.split()[:_SAMPLE_WORDS]:
        if word.isascii():
            if (script := script_of(word)) is not None:
                scripts[script] += len(word)
            continue
        for char in word:  # "AB公司位于何处?" is Latin and Chinese
            if (script := script_of(char)) is not None:
                scripts[script] += 1
    return scripts


def main_script(text: str) -> str | None:
    """Return the script most of the letters of text are written in (None: no letters)."""
    scripts = scripts_of(text)
    if not scripts:
        return None
    return min(scripts.items(), key=lambda item: (-item[1], item[0]))[0]


def _writers(script: str, candidates: Collection[str]) -> list[str]:
    """Return the candidates (sorted) that write in script."""
    return [c for c in _all_writers(script) if c in candidates]


@functools.cache
def _all_writers(script: str) -> tuple[str, ...]:
    return tuple(sorted(c for c, lang in LANGUAGES.items() if script in lang.scripts))


def question_language(text: str, candidates: Collection[str]) -> str | None:
    """Return the language of a question among candidates (the sources' languages).

    The candidates that write in a script of the question's letters, and among several the
    likeliest by py3langid: a Russian question naming "Oracle Corporation" is Russian. None
    when no candidate writes in its scripts: its words then go by their own script.
    """
    scripts = scripts_of(text)
    pool = sorted({c for script in scripts for c in _writers(script, candidates)})
    if len(pool) <= 1:
        return pool[0] if pool else None
    return _rank(text, pool)


# A question is in none of the sources' languages when py3langid scores its likeliest
# language this many log-units above the likeliest of theirs. XQuAD's 922 questions in 12
# languages, asked of sources in each other language (same script only: another script
# settles it): 20 flags none of the questions asked in the sources' own language (10:
# 0.2% of Hindi and 0.1% of English and Turkish ones) and 99.9% of the others; chosen
# leaving each language out in turn (the same value every time). A short text scores
# smaller margins, so a few words or names alone are never flagged.
FOREIGN_MARGIN = 20.0


def foreign_language(text: str, candidates: Collection[str]) -> str | None:
    """Return the language a question is written in when it is clearly none of candidates
    (the sources' languages), else None.

    Its script settles it when no candidate writes in it ("und" when no language sourcebot
    analyses does either); else py3langid, by FOREIGN_MARGIN.
    """
    scripts = scripts_of(text)
    if not scripts:
        return None
    ours = sorted({c for script in scripts for c in _writers(script, candidates)})
    everyone = sorted({c for script in scripts for c in _writers(script, LANGUAGES)})
    if not ours:
        if len(everyone) == 1:
            return everyone[0]
        return (_rank(text, everyone) if everyone else None) or "und"
    pool = sorted(set(everyone) & _labels())
    if len(pool) <= 1:
        return None
    scores = dict(_identifier().rank(text))  # type: ignore[attr-defined]
    best = max(pool, key=lambda code: (scores[code], code))
    mine = max((scores[c] for c in ours if c in scores), default=float("-inf"))
    return None if best in ours or scores[best] - mine <= FOREIGN_MARGIN else best


def _sample(title: str, paragraphs: Iterable[str]) -> str:
    sample, size = [title], len(title)
    for text in paragraphs:
        if size >= _MORE_WORDS * 8:  # words of about 8 characters with their space
            break
        sample.append(text)
        size += len(text)
    return "\n".join(sample)[: _MORE_WORDS * 8]


def _head_script(head: str) -> str | None:
    if head.isascii():  # most sources: no need to look at each word
        return LATIN if _ASCII_LETTER.search(head) else None
    return main_script(head)


def source_script(title: str, paragraphs: Iterable[str]) -> str | None:
    """Return the main script of a source's opening, as source_language sees it (cheap)."""
    return _head_script(_sample(title, paragraphs)[:SAMPLE_CHARS])


def writes_in(language: str, script: str) -> bool:
    """Say whether a language is written in a script."""
    return language in LANGUAGES and script in LANGUAGES[language].scripts


def source_language(title: str, paragraphs: Iterable[str]) -> str | None:
    """Return the language of a source, from its title and first paragraphs.

    Cheapest first, as a build asks this of every source: a script only one language
    writes in; a clear lead in stopwords of one language; else py3langid over all it knows.
    """
    text = _sample(title, paragraphs)
    head = text[:SAMPLE_CHARS]
    script = _head_script(head)
    if script is None:
        return None
    pool = _writers(script, LANGUAGES)
    if len(pool) == 1:
        return pool[0]
    return profile_language(head) or profile_language(text, words=_MORE_WORDS) or _rank(head)


@functools.cache
def _profile() -> dict[str, tuple[str, ...]]:
    from retrieval.text.normalize import normalizer
    from retrieval.text.stopwords import for_language

    owners: dict[str, list[str]] = {}
    for code in sorted(LANGUAGES):
        for word in for_language(code, normalizer(code)):
            owners.setdefault(word, []).append(code)
    return {w: tuple(c) for w, c in owners.items()}


def profile_language(
    text: str, min_share: float = 0.2, margin: float = 2.0, words: int = _SAMPLE_WORDS
) -> str | None:
    """Return the language whose stopwords text uses clearly most, or None if unclear.

    Clearly: at least `min_share` of the words, and `margin` times the runner-up's count.
    """
    profile = _profile()
    # One C-level pass each (casefold, translate, split, map): a build asks this per source.
    sample = text[: words * 12].casefold().translate(_NO_PUNCTUATION).split(None, words)[:words]
    hits = Counter(itertools.chain.from_iterable(filter(None, map(profile.get, sample))))
    if not hits:
        return None
    (best, n), *rest = sorted(hits.items(), key=lambda item: (-item[1], item[0]))
    second = rest[0][1] if rest else 0
    return best if n >= max(min_share * len(sample), 3) and n >= margin * second else None
