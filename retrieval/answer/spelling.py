"""Correct question words the sources never use, against the sources' own vocabulary.

A word is corrected only when its term matches nothing in the index and it is not a real
word of the question's language (wordfreq): an ordinary word that general use knows at
all (Zipf >= `answers.spelling_valid_zipf`) is never replaced, so a German or Spanish
inflection the sources do not happen to use stays as asked and "bread" stays "bread". A
name (a capitalised word inside the question) is corrected unless it is a common word
(Zipf >= `answers.spelling_max_zipf`): names are where typos hurt, and word lists hold
names' misspellings too ("Puttin"). In a language wordfreq has only a small list for
(Greek, Turkish, Romanian...), which lacks most inflected forms, only names are corrected.
Candidates are the sources' words within a Damerau-Levenshtein distance of 1 (words of 4-5
letters) or 2 (longer); among the closest, the most similar by edit ratio ("Ghandi" ->
"Gandhi", not "grand"), then the most frequent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cached_property

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from retrieval.text.frequency import large_wordlist, zipf

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MIN_LENGTH = 4
_CANDIDATES = 20  # closest words weighed by similarity before the frequency tie-break
_MAX_LENGTH = 40  # no longer word is misspelled: nor is it worth a lookup (or a cache entry)


def max_distance(word: str) -> int:
    """Return how many edits a word of this length may be corrected by."""
    if not _MIN_LENGTH <= len(word) <= _MAX_LENGTH:
        return 0
    return 1 if len(word) <= 5 else 2


def common_word(word: str, min_zipf: float, lang: str | None = None) -> bool:
    """Say whether word is a word of lang at least this common (Zipf) in general use.

    Without a language, English or Russian by the word's script. A language wordfreq has
    no list for has no word it can vouch for: then only the script's default is asked.
    """
    if lang is None or zipf(word, lang, exact=True) is None:
        lang = "ru" if _CYRILLIC.search(word) else "en"
    value = zipf(word, lang, exact=True)
    return value is not None and value >= min_zipf


class SpellingCorrector:
    """Nearest-word correction over the sources' vocabulary."""

    def __init__(
        self,
        words: Mapping[str, int] | Callable[[], Mapping[str, int]],
        max_zipf: float,
        valid_zipf: float | None = None,
    ) -> None:
        # A callable is called on the first correction: most questions never need one.
        self._source = words
        self._max_zipf = max_zipf
        self._valid_zipf = max_zipf if valid_zipf is None else valid_zipf

    @cached_property
    def _choices(self) -> dict[str, list[str]]:
        words = self._source() if callable(self._source) else self._source
        # Ties in frequency by the word itself: the order must not depend on the hash seed.
        ranked = sorted(words.items(), key=lambda item: (-item[1], item[0]))
        # By first letter, most frequent first, so the frequency tie-break keeps its order;
        # a typo rarely hits the first letter, and this keeps a large vocabulary fast.
        groups: dict[str, list[str]] = {}
        for word, _ in ranked:
            if len(word) >= _MIN_LENGTH and word.isalpha():
                groups.setdefault(word[0], []).append(word)
        return groups

    def prepare(self) -> None:
        """Read the sources' words now rather than at the first correction."""
        self._choices  # noqa: B018 - computed and kept

    def correct(self, word: str, lang: str | None = None, name: bool = False) -> str | None:
        """Return the sources' word closest to word, or None when none is close enough.

        A real word of the question's language (lang) is never corrected; name says the
        word is capitalised inside the question.
        """
        limit = max_distance(word)
        if limit == 0 or not word.isalpha():
            return None
        if not name and lang is not None and not large_wordlist(lang):
            return None  # a word a small list lacks may still be a real word: leave it
        if common_word(word, self._max_zipf if name else self._valid_zipf, lang):
            return None
        close = process.extract(
            word,
            self._choices.get(word[0], []),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
            limit=_CANDIDATES,
        )
        if not close:
            return None
        # Fewest edits, then the most similar spelling, then the most frequent (list order).
        best = min(close, key=lambda c: (c[1], -fuzz.ratio(word, c[0]), c[2]))
        return str(best[0])
