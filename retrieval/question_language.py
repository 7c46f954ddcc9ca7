"""Which language a question is in, and how common a word is in general use in it.

The language decides two things about a question's words: how much a word the sources
never use weighs against a passage (its rarity in general use, from wordfreq), and
whether a word the sources never use is a misspelling or a real word of the language.

A short question says little about its language ("Kerry Sochi 2015" reads as Igbo to a
character model), so the sources' languages are the prior: py3langid's naive Bayes
log-likelihoods of the question plus the log share of the sources' sampled passages in
each language. Only languages wordfreq has a word list for are considered.
"""

from __future__ import annotations

import functools
import math
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

# py3langid's codes where wordfreq names the language differently.
_WORDFREQ_CODE = {"no": "nb", "nn": "nb", "hr": "sh", "sr": "sh", "bs": "sh", "tl": "fil"}
# Every sampled language gets at least this share; a language no sampled passage is in
# gets _UNSEEN_PRIOR, so only a question plainly in it (several words) is taken for it.
_PRIOR_FLOOR = 0.02
_UNSEEN_PRIOR = 1e-4
SAMPLE_PASSAGES = 64
SAMPLE_CHARS = 400
DEFAULT_LANGUAGE = "en"
NUMBERS_LANGUAGE = "en"
# wordfreq tokenizes these with packages sourcebot does not install (jieba, MeCab).
_OWN_TOKENIZER = frozenset({"zh", "ja", "ko"})


@functools.cache
def wordfreq_languages() -> frozenset[str]:
    """Return the languages wordfreq has a general word list for."""
    from wordfreq import available_languages

    return frozenset(available_languages("best"))


@functools.cache
def large_wordlist(lang: str) -> bool:
    """Say whether wordfreq's list for lang is a large one (about a million words).

    A small list (tens of thousands of words) lacks most inflected forms of a richly
    inflected language, so a word missing from it may still be a real word.
    """
    from wordfreq import available_languages

    return lang in available_languages("large")


_loading = threading.Lock()
_loaded: list[Any] = []


def _identifier() -> Any:
    """Return py3langid's identifier restricted to the languages wordfreq has lists for.

    Loaded once (a second and a half: the model is xz-compressed), under a lock, so a
    question asked while `preload` runs waits for it instead of loading it again.
    """
    if _loaded:
        return _loaded[0]
    with _loading:
        if not _loaded:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
            ours = wordfreq_languages()
            identifier.set_languages(
                sorted(c for c in set(identifier.nb_classes) if _WORDFREQ_CODE.get(c, c) in ours)
            )
            _loaded.append(identifier)
    return _loaded[0]


def preload() -> None:
    """Start loading the language model in the background (while the index loads)."""
    if not _loaded and not _loading.locked():
        threading.Thread(target=_identifier, name="sourcebot-langid", daemon=True).start()


def _log_likelihoods(text: str) -> dict[str, float]:
    """Return each language's naive Bayes score for text (a log-probability, up to a constant)."""
    identifier = _identifier()  # read-only once loaded: safe to share across threads
    best: dict[str, float] = {}
    for code, score in identifier.rank(text):
        lang = _WORDFREQ_CODE.get(code, code)
        if float(score) > best.get(lang, -math.inf):
            best[lang] = float(score)
    return best


def detect(text: str) -> str:
    """Return the wordfreq language code text is most likely in."""
    scores = _log_likelihoods(text)
    return max(sorted(scores), key=scores.__getitem__) if scores else DEFAULT_LANGUAGE


def language_prior(texts: Iterable[str]) -> dict[str, float]:
    """Return the share of texts in each language, every seen language at least a floor."""
    counts = Counter(detect(t[:SAMPLE_CHARS]) for t in texts if t.strip())
    total = sum(counts.values())
    if not total:
        return {DEFAULT_LANGUAGE: 1.0}
    return {lang: max(n / total, _PRIOR_FLOOR) for lang, n in sorted(counts.items())}


def question_language(question: str, prior: Mapping[str, float]) -> str:
    """Return the language of a question, weighing the text by the sources' languages."""
    scores = _log_likelihoods(question)
    if not scores:
        return max(sorted(prior), key=prior.__getitem__) if prior else DEFAULT_LANGUAGE
    posterior = {lang: s + math.log(prior.get(lang, _UNSEEN_PRIOR)) for lang, s in scores.items()}
    return max(sorted(posterior), key=posterior.__getitem__)


@functools.cache
def _frequencies(lang: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict

    if lang not in wordfreq_languages():
        return {}
    return dict(get_frequency_dict(lang))


@functools.lru_cache(maxsize=4096)
def _number_zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    # wordfreq spreads a number's frequency by its digits' shape ("3" is common, "1754"
    # rare); one list serves every language, as digits hardly vary between them.
    return float(zipf_frequency(word, NUMBERS_LANGUAGE))


def zipf(word: str, lang: str, exact: bool = False) -> float | None:
    """Return the word's Zipf frequency in general use in lang (0 if unheard of).

    None when wordfreq has no list for the language. The word is looked up as it is
    (case-folded by the tokenizer) in the language's table; numbers by their digits.
    exact: a word the table lacks is asked of wordfreq itself, which normalises it as its
    lists do (Greek final sigma, Turkish dotted i) - slower, so only for a few words.
    """
    if not word.isalpha() and any(c.isdigit() for c in word):
        return _number_zipf(word)
    table = _frequencies(lang)
    if not table:
        return None
    freq = table.get(word, 0.0)
    if freq > 0:
        return math.log10(freq) + 9
    if exact and lang not in _OWN_TOKENIZER:
        return _normalised_zipf(word, lang)
    return 0.0


@functools.lru_cache(maxsize=65536)
def _normalised_zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))
