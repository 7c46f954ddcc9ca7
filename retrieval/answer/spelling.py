"""Correct question words the sources never use, against the sources' own vocabulary.

A word is corrected only when its term matches nothing in the index and the word is rare
in general usage (wordfreq), so "Lavorv" becomes "lavrov" but "bread" stays "bread" and
finds nothing. Candidates are the sources' words within a Damerau-Levenshtein distance of
1 (words of 4-5 letters) or 2 (longer); ties go to the more frequent word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_MIN_LENGTH = 4
_MAX_LENGTH = 40  # no longer word is misspelled: nor is it worth a lookup (or a cache entry)


def max_distance(word: str) -> int:
    """Return how many edits a word of this length may be corrected by."""
    if not _MIN_LENGTH <= len(word) <= _MAX_LENGTH:
        return 0
    return 1 if len(word) <= 5 else 2


def common_word(word: str, max_zipf: float) -> bool:
    """Say whether word is a common English or Russian word (Zipf frequency >= max_zipf)."""
    from wordfreq import zipf_frequency

    lang = "ru" if _CYRILLIC.search(word) else "en"
    return bool(zipf_frequency(word, lang) >= max_zipf)


class SpellingCorrector:
    """Nearest-word correction over the sources' vocabulary."""

    def __init__(
        self, words: Mapping[str, int] | Callable[[], Mapping[str, int]], max_zipf: float
    ) -> None:
        # A callable is called on the first correction: most questions never need one.
        self._source = words
        self._max_zipf = max_zipf

    @cached_property
    def _choices(self) -> dict[str, list[str]]:
        words = self._source() if callable(self._source) else self._source
        ranked = sorted(words.items(), key=lambda item: -item[1])
        # By first letter, most frequent first, so extractOne's first-best tie goes to it;
        # a typo rarely hits the first letter, and this keeps a large vocabulary fast.
        groups: dict[str, list[str]] = {}
        for word, _ in ranked:
            if len(word) >= _MIN_LENGTH and word.isalpha():
                groups.setdefault(word[0], []).append(word)
        return groups

    def correct(self, word: str) -> str | None:
        """Return the sources' word closest to word, or None when none is close enough."""
        limit = max_distance(word)
        if limit == 0 or not word.isalpha() or common_word(word, self._max_zipf):
            return None
        best = process.extractOne(
            word,
            self._choices.get(word[0], []),
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
        )
        return None if best is None else str(best[0])
