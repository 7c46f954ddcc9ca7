"""Spelling variants folded before stopwords and stemming, per language.

Arabic: harakat and other diacritics, and the tatweel that stretches a word, are dropped,
and the hamza forms of alef (أ إ آ ٱ) become a bare alef, so "العَرَبِيَّة" is "العربية".
Lucene's ArabicNormalizer also turns alef maqsura (ى) into yeh and teh marbuta (ة) into
heh; before the Snowball stemmer (which reads both) that lost paragraph top-1 on XQuAD
(0.874 against 0.892 without).
Greek: accents and diaeresis are dropped (Greek stopword lists are written without them).
Turkish, before case folding: a token is cut at its apostrophe, which separates a name from
its suffixes ("Tesla'nın" is "Tesla", as in Lucene's Turkish analyzer), and "I" and "İ" are
lowered the Turkish way (to "ı" and "i"; Python's casefold makes "İ" an "i" with a dot
above). Paragraph top-1 on XQuAD Turkish: 0.873 without this, 0.884 with it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

_ARABIC_MARKS = dict.fromkeys(
    [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640]
)
_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})


def arabic(word: str) -> str:
    """Return an Arabic word without diacritics or tatweel, its alef forms folded."""
    return word.translate(_ARABIC_MARKS).translate(_ALEFS)


def turkish(raw: str) -> str:
    """Return a raw Turkish token cut at its apostrophe, with Turkish capital I's lowered.

    A Turkish apostrophe separates a name from its suffixes ("Tesla'nın"): the name is the
    word (as Lucene's Turkish analyzer does). "I" is the capital of "ı", "İ" of "i".
    """
    for a in "'’ʼ":
        cut = raw.find(a)
        if cut > 0:
            raw = raw[:cut]
    return raw.replace("I", "ı").replace("İ", "i")


def greek(word: str) -> str:
    """Return a Greek word without accents or diaeresis."""
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def _same(word: str) -> str:
    return word


_BY_LANGUAGE: dict[str, Callable[[str], str]] = {
    "ar": arabic,
    "fa": arabic,
    "ur": arabic,
    "el": greek,
}


_BEFORE_CASEFOLD: dict[str, Callable[[str], str]] = {"tr": turkish, "az": turkish}


def before_casefold(language: str | None) -> Callable[[str], str] | None:
    """Return what to do to a raw token of this language before case folding, if anything."""
    return _BEFORE_CASEFOLD.get(language or "")


def normalizer(language: str | None) -> Callable[[str], str]:
    """Return the function that folds a case-folded word of this language."""
    return _BY_LANGUAGE.get(language or "", _same)
