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
# Fewer words than this leave py3langid guessing (names, keywords): only stopwords decide.
_MIN_RANKED_WORDS = 4
# How much likelier py3langid must find another language than the sources' to call a
# question in their script foreign: its log-likelihood lead a character (a sum over the
# text's n-grams, so a long message would win any fixed lead). On XQuAD's questions: at 0,
# 27 of one language's over its own sources were (Russian taken for Bulgarian, Hindi for
# Marathi); at 0.6 none, and 99.1% of those in another language of the same script still
# are; the long run's questions padded with random letters, none (all below 0.2).
_LEAD = 0.6
# The most of a question's letters that may be in the sources' scripts for its script to
# settle that it is in another language: names in Latin letters in a Russian question over
# Russian sources are not. On XQuAD's questions: at 0.15 none of one language's over its
# own sources, 98.7% of those over sources in another script (at 0.25: 3 and 99.3%).
_THEIR_LETTERS = 0.15
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


def source_language(title: str, paragraphs: Iterable[str]) -> str | None:
    """Return the language of a source, from its title and first paragraphs.

    Cheapest first, as a build asks this of every source: a script only one language
    writes in; a clear lead in stopwords of one language; else py3langid over all it knows.
    """
    sample, size = [title], len(title)
    for text in paragraphs:
        if size >= _MORE_WORDS * 8:  # words of about 8 characters with their space
            break
        sample.append(text)
        size += len(text)
    text = "\n".join(sample)[: _MORE_WORDS * 8]
    head = text[:SAMPLE_CHARS]
    if head.isascii():  # most sources: no need to look at each word
        script = LATIN if _ASCII_LETTER.search(head) else None
    else:
        script = main_script(head)
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


def in_other_language(text: str, languages: Collection[str]) -> bool:
    """Say whether a question is surely in a language none of `languages` (the sources') is.

    Surely: most of its letters, and all but _THEIR_LETTERS of them, are in scripts none of
    them writes (a Russian question over English sources); or, in a script one of them
    writes, its stopwords clearly name another language, or else py3langid does by a clear
    lead among the languages of that script, when the question has words enough (a German
    question over English sources). When unsure, no: a wrong "the sources are in English"
    under an English question misleads more than a missing one. On XQuAD's questions over
    sources in each other one of its 12 languages: 98.8% said other; over sources in their
    own language, 3 of 11,064 (README, "Languages of the bot").
    """
    scripts = scripts_of(text)
    letters = sum(scripts.values())
    if not languages or not letters:
        return False
    script = min(scripts.items(), key=lambda item: (-item[1], item[0]))[0]
    theirs = {s for code in languages for s in _scripts(code)}
    if script not in theirs:
        in_theirs = sum(n for s, n in scripts.items() if s in theirs)
        return in_theirs <= _THEIR_LETTERS * letters
    guess = profile_language(text)
    if guess is None and len(text.split()) >= _MIN_RANKED_WORDS:
        # Theirs all compete: a Russian question naming "Tesla Electric Light" is Russian.
        guess = _clear_lead(text, {*_all_writers(script), *languages}, languages)
    return guess is not None and guess not in languages


def _clear_lead(text: str, pool: Collection[str], theirs: Collection[str]) -> str | None:
    """Return py3langid's likeliest language of text in pool when it leads theirs clearly
    (by _LEAD a character in log-likelihood), else None."""
    scores = dict(_identifier().rank(text))  # type: ignore[attr-defined]
    known = sorted(set(pool) & _labels())
    if not known:
        return None
    best = max(known, key=lambda code: (scores.get(code, float("-inf")), code))
    rival = max((scores[code] for code in theirs if code in scores), default=None)
    if best in theirs or rival is None or scores[best] - rival < _LEAD * len(text):
        return None
    return _ALIASES.get(best, best)


def _scripts(code: str) -> tuple[str, ...]:
    """Return the scripts a language writes in (Latin for one without an entry)."""
    return LANGUAGES[code].scripts if code in LANGUAGES else (LATIN,)
