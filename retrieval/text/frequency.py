"""How common a word is in general use in a language (wordfreq).

Two decisions about a question's words rest on it: how much a word the sources never use
weighs against a passage (its rarity in general use), and whether a word the sources never
use is a misspelling or a real word of the question's language (answer/spelling.py). The
question's language itself is text/langdetect.py's. Chinese words are looked up in
Simplified characters (wordfreq's own character map, as its lists are), so a Traditional
text's words are found too.
"""

from __future__ import annotations

import functools
import math

from retrieval.text.frequency_cache import cached_table, wordlist_files

DEFAULT_LANGUAGE = "en"
NUMBERS_LANGUAGE = "en"
# wordfreq tokenizes these with packages sourcebot does not install (jieba, MeCab).
_OWN_TOKENIZER = frozenset({"zh", "ja", "ko"})
# wordfreq's codes where sourcebot's (ISO 639-1, as langdetect gives them) differ.
_WORDFREQ_CODE = {"no": "nb", "nn": "nb", "hr": "sh", "sr": "sh", "bs": "sh", "tl": "fil"}


def wordfreq_code(language: str) -> str:
    """Return wordfreq's name for a language."""
    return _WORDFREQ_CODE.get(language, language)


@functools.cache
def wordfreq_languages() -> frozenset[str]:
    """Return the languages wordfreq has a general word list for."""
    return frozenset(wordlist_files("best"))


@functools.cache
def large_wordlist(lang: str) -> bool:
    """Say whether wordfreq's list for lang is a large one (about a million words).

    A small list (tens of thousands of words) lacks most inflected forms of a richly
    inflected language, so a word missing from it may still be a real word.
    """
    return wordfreq_code(lang) in wordlist_files("large")


@functools.cache
def _frequencies(lang: str) -> dict[str, float]:
    code = wordfreq_code(lang)
    source = wordlist_files("best").get(code)
    if source is None:
        return {}

    def read() -> dict[str, float]:
        from wordfreq import get_frequency_dict

        return dict(get_frequency_dict(code))

    return cached_table(code, source, read)


def load_table(lang: str) -> None:
    """Read the language's table now (a start's warm-up), not at the first question."""
    _frequencies(lang)


def list_stamp(lang: str) -> str:
    """Return what identifies the word list of a language as installed (its file's name,
    size and time stamp; "" when wordfreq has none): a new wordfreq release changes it."""
    source = wordlist_files("best").get(wordfreq_code(lang))
    if source is None:
        return ""
    try:
        stat = source.stat()
    except OSError:
        return ""
    return f"{source.name}:{stat.st_size}:{stat.st_mtime_ns}"


@functools.cache
def _simplified() -> dict[int, str]:
    """Return wordfreq's map of Traditional to Simplified characters (read without jieba,
    which wordfreq's own module imports)."""
    import gzip

    import msgpack
    from wordfreq.util import data_path

    with gzip.open(data_path("_chinese_mapping.msgpack.gz")) as data:
        table = msgpack.load(data, raw=False, strict_map_key=False)
    return {int(k): str(v) for k, v in table.items()}


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
    if lang == "zh" and not word.isascii():
        word = word.translate(_simplified())
    freq = table.get(word, 0.0)
    if freq > 0:
        return math.log10(freq) + 9
    if exact and lang not in _OWN_TOKENIZER:
        return _normalised_zipf(word, lang)
    return 0.0


@functools.lru_cache(maxsize=8192)
def _normalised_zipf(word: str, lang: str) -> float:
    """Return zipf_frequency(word, lang) as wordfreq computes it (its tokens' frequencies
    combined, 1/f = 1/f1 + 1/f2 ..., rounded alike), from the language's table.

    Not wordfreq's own call: it keeps every word it was asked about in a module dict of up
    to 100,000 entries, and the words looked up here are the questions' unheard-of ones,
    so a long-running bot's memory would grow by megabytes. Words with digits are
    `_number_zipf`'s, and languages wordfreq tokenizes with jieba or MeCab never come here.
    """
    from wordfreq.tokens import lossy_tokenize

    table = _frequencies(lang)
    tokens = lossy_tokenize(word, wordfreq_code(lang))
    if not tokens or any(token not in table for token in tokens):
        return 0.0
    freq = 1.0 / sum(1.0 / table[token] for token in tokens)
    freq = round(freq, math.floor(-math.log10(freq)) + 3)  # wordfreq's 3 significant digits
    return round(math.log10(freq) + 9, 2)
