"""The one tokenizer sourcebot uses for passages and questions alike.

Unicode-aware and case-folded; English and Russian stopwords and Snowball stemming, the
language chosen per word by its script; possessives dropped ("Kerry’s" -> kerry), hyphenated
compounds split ("US-Russia" -> us, russia), dotted acronyms joined ("U.S." -> us), numbers
kept. `spans` gives the same terms with their character offsets, for highlighting.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import Stemmer

from retrieval.settings import TokenizerSettings
from retrieval.text.bounded import BoundedCache
from retrieval.text.stopwords import ENGLISH, RUSSIAN

_APOSTROPHES = "'’ʼ"
_TOKEN_RE = re.compile(
    r"(?=\w)(?:"  # only try at a word character: a quarter faster on prose
    r"(?:[^\W\d_]\.){2,}"  # dotted acronym: U.S., e.g.
    r"|\d+(?:[.,]\d+)+"  # number with separators: 12,000 or 1.5
    r"|[\w\u0300-\u036f\u0483-\u0489]+"  # a word, combining marks included
    r"(?:['’ʼ][\w\u0300-\u036f]+)*"  # joined by apostrophes: Kerry’s, don't
    r")"
)
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")


def _invisible_class() -> str:
    """Return a regex class of format (Cf) and control (Cc) characters, as ranges."""
    ranges: list[list[int]] = []
    for c in range(0x110000):
        if unicodedata.category(chr(c)) in ("Cf", "Cc") and c not in (9, 10):
            if ranges and ranges[-1][1] == c - 1:
                ranges[-1][1] = c
            else:
                ranges.append([c, c])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


# Zero-width and other format characters would split or hide words.
_INVISIBLE_RE = re.compile(f"[{_invisible_class()}]+")
_ASCII_INVISIBLE = bytes(c for c in range(128) if _INVISIBLE_RE.match(chr(c)))
_CACHE_BYTES = 32 << 20  # about 200,000 words; questions bring words the sources never had
_CACHED_CHARS = 64  # a longer token is no word anyone repeats: not worth remembering


class TokenSpan(NamedTuple):
    """A term and where its surface form stands in the text."""

    start: int
    end: int
    term: str


def clean_text(text: str) -> str:
    """Return text in NFC with control and zero-width characters removed (tabs, newlines kept)."""
    if text.isascii():  # O(1) in CPython; ASCII is NFC, and its invisibles are controls
        data = text.encode("ascii")
        kept = data.translate(None, _ASCII_INVISIBLE)  # in C, far faster than the regex
        return text if len(kept) == len(data) else kept.decode("ascii")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _INVISIBLE_RE.sub("", text)


def surface_form(raw: str) -> str:
    """Return the case-folded word a raw token stands for, before stopwords and stemming."""
    # Russian writes "ё" or "е" at will ("её", "ее"); the stopword list spells them with "е".
    word = raw.casefold().replace("ё", "е")
    if word.isalnum() and "ʼ" not in word:  # most words: nothing below applies (ʼ is a letter)
        return word
    if "_" in word:  # "snake_case" is one word; a run of "____" (a form's blank) is none
        word = word.replace("_", "")
    if "." in word and word and not word[0].isdigit():
        return word.replace(".", "")
    if "," in word:
        return word.replace(",", "")
    if any(a in word for a in _APOSTROPHES):
        for a in _APOSTROPHES:
            if word.endswith(a + "s"):
                word = word[:-2]
                break
        word = "".join(ch for ch in word if ch not in _APOSTROPHES)
    return word


@dataclass
class Tokenizer:
    """Turn text into index terms; the same instance serves the index and the questions."""

    stem: bool = True
    stopwords: bool = True

    def __post_init__(self) -> None:
        self._memo: BoundedCache[str, str] = BoundedCache(_CACHE_BYTES)
        self._cache = self._memo.data  # read directly: the hot path is a plain dict's get
        self._local = threading.local()

    @classmethod
    def from_settings(cls, settings: TokenizerSettings) -> Tokenizer:
        """Return the tokenizer the settings call for (the same for index and questions)."""
        return cls(stem=settings.stem, stopwords=settings.stopwords)

    def _stemmers(self) -> tuple[Stemmer.Stemmer, Stemmer.Stemmer]:
        # PyStemmer objects keep state while stemming: one pair per thread.
        pair: tuple[Stemmer.Stemmer, Stemmer.Stemmer] | None = getattr(self._local, "pair", None)
        if pair is None:
            # No cache of PyStemmer's own (10,000 words, of any length): ours is bounded.
            pair = (Stemmer.Stemmer("english", 0), Stemmer.Stemmer("russian", 0))
            self._local.pair = pair
        return pair

    def term(self, raw: str) -> str:
        """Return the index term for one raw token, or "" when it is a stopword."""
        cached = self._cache.get(raw)
        if cached is not None:
            return cached
        word = surface_form(raw)
        cyrillic = not word.isascii() and _CYRILLIC_RE.search(word) is not None
        if not word or (self.stopwords and word in (RUSSIAN if cyrillic else ENGLISH)):
            result = ""
        elif self.stem and not word[0].isdigit():
            english, russian = self._stemmers()
            result = (russian if cyrillic else english).stemWord(word)
        else:
            result = word
        if len(raw) <= _CACHED_CHARS:
            self._memo.put(raw, result)
        return result

    def raw_tokens(self, text: str, *, clean: bool = False) -> list[str]:
        """Return the raw tokens of text as they stand in it (before folding).

        clean=True says text already went through clean_text (as indexed text has).
        """
        return _TOKEN_RE.findall(text if clean else clean_text(text))

    def terms(self, raws: list[str]) -> list[str]:
        """Return the term of each raw token ("" for stopwords), aligned with raws."""
        get, term = self._cache.get, self.term
        return [t if (t := get(r)) is not None else term(r) for r in raws]

    def tokenize(self, text: str) -> list[str]:
        """Return the terms of text, in order, stopwords removed."""
        return [t for t in self.terms(self.raw_tokens(text)) if t]

    def spans(self, text: str) -> list[TokenSpan]:
        """Return the terms of text with their offsets in `text` (which must be clean_text'd)."""
        out: list[TokenSpan] = []
        for match in _TOKEN_RE.finditer(text):
            t = self.term(match.group())
            if t:
                out.append(TokenSpan(match.start(), match.end(), t))
        return out

    def words(self, text: str) -> list[str]:
        """Return the case-folded surface words of text (stopwords included), for spelling."""
        return [surface_form(raw) for raw in _TOKEN_RE.findall(clean_text(text))]
