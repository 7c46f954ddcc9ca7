"""The one tokenizer sourcebot uses for passages and questions alike, in every language.

Unicode-aware and case-folded. A word is a run of letters, digits and combining marks of any
script (the `regex` module's `\\w`: Devanagari vowel signs and Arabic harakat stay inside
their word). Each word is analysed in its text's language (`language`; see languages.py)
when its script is one that language writes in, else in its script's own language (a
Russian name in an English text is Russian); that language's normalisation
(normalize.py), stopwords and Snowball stemmer apply. Scripts written without spaces
(Chinese, Japanese, Korean, Thai...) are cut by segment.py. Possessives are dropped
("Kerry’s" -> kerry), hyphenated compounds split ("US-Russia" -> us, russia), dotted
acronyms joined ("U.S." -> us), numbers kept. `spans` gives the same terms with their
character offsets, for highlighting.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import regex
import Stemmer

from retrieval.languages import LANGUAGES, word_language
from retrieval.settings import TokenizerSettings
from retrieval.text import segment
from retrieval.text.bounded import BoundedCache
from retrieval.text.normalize import before_casefold, normalizer
from retrieval.text.stopwords import for_language

_APOSTROPHES = "'’ʼ"
# One pattern, two engines: `re` for ASCII text (most of it, and twice as fast), `regex`
# for the rest, where `\w` must take in combining marks and stop at scripts cut by segment.
_TEMPLATE = (
    r"(?={first})(?:"  # only try at a word character: a quarter faster on prose
    r"{segmented}"  # a run of a script written without spaces, cut later
    r"(?:[^\W\d_]\.){{2,}}"  # dotted acronym: U.S., e.g.
    r"|\d+(?:[.,]\d+)+"  # number with separators: 12,000 or 1.5
    r"|{w}+"  # a word
    r"(?:['’ʼ]{w}+)*"  # joined by apostrophes: Kerry’s, don't
    r")"
)
_ASCII_TOKEN_RE = re.compile(_TEMPLATE.format(first=r"\w", segmented="", w=r"\w"))
_TOKEN_RE = regex.compile(
    _TEMPLATE.format(
        first=r"[\w\p{No}]",  # `re`'s \w has the other numbers (², ½) too: they stay
        segmented=rf"(?P<seg>{segment.RUN})|",
        w=rf"[[\w\p{{No}}]--[{segment.SCRIPTS}]]",
    ),
    regex.VERSION1,
)


# Zero-width and other format characters would split or hide words.
# (The regex module's own Unicode tables: building the class from unicodedata took a
# second at every start.)
_INVISIBLE_RE = regex.compile(r"[[\p{Cf}\p{Cc}]--[\t\n]]+", regex.VERSION1)
_ASCII_INVISIBLE = bytes(c for c in range(128) if _INVISIBLE_RE.match(chr(c)))
_CACHE_BYTES = 32 << 20  # about 200,000 words; questions bring words the sources never had
_CACHED_CHARS = 64  # a longer token is no word anyone repeats: not worth remembering


class _Analysis(NamedTuple):
    """How the words of one language are turned into terms."""

    fold: Callable[[str], str]  # see normalize.py
    stopwords: frozenset[str]
    stemmer: str | None  # PyStemmer's algorithm; None: not stemmed


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
    """Turn text into index terms; the same instance serves the index and the questions.

    `language` is the language of the text it is given (ISO 639-1), None when unknown:
    then each word is analysed in its script's language (Latin as English). `for_language`
    gives the tokenizer of another language, with the same settings.
    """

    stem: bool = True
    stopwords: bool = True
    language: str | None = None
    _family: dict[str | None, Tokenizer] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._memo: BoundedCache[str, str] = BoundedCache(_CACHE_BYTES)
        self._cache = self._memo.data  # read directly: the hot path is a plain dict's get
        self._local = threading.local()
        self._before_casefold = before_casefold(self.language)
        self._family.setdefault(self.language, self)
        # The language of an ASCII word (most words): Latin script, or digits that no
        # stopword list holds and no stemmer touches; see languages.word_language.
        self._ascii_language = word_language("a", self.language)
        self._analyses: dict[str | None, _Analysis] = {}

    @classmethod
    def from_settings(cls, settings: TokenizerSettings) -> Tokenizer:
        """Return the tokenizer the settings call for (the same for index and questions)."""
        language = None if settings.language == "auto" else settings.language
        return cls(settings.stem, settings.stopwords, language)

    def for_language(self, language: str | None) -> Tokenizer:
        """Return the tokenizer for text in this language (one per language, reused)."""
        sibling = self._family.get(language)
        if sibling is None:
            sibling = Tokenizer(self.stem, self.stopwords, language, self._family)
        return sibling

    def _stemmer(self, algorithm: str) -> Stemmer.Stemmer:
        # PyStemmer objects keep state while stemming: one per thread.
        stemmers: dict[str, Stemmer.Stemmer] | None = getattr(self._local, "stemmers", None)
        if stemmers is None:
            stemmers = self._local.stemmers = {}
        stemmer = stemmers.get(algorithm)
        if stemmer is None:
            # No cache of PyStemmer's own (10,000 words, of any length): ours is bounded.
            stemmer = stemmers[algorithm] = Stemmer.Stemmer(algorithm, 0)
        return stemmer

    def _analysis(self, language: str | None) -> _Analysis:
        analysis = self._analyses.get(language)
        if analysis is None:
            fold = normalizer(language)
            spec = LANGUAGES.get(language or "")
            analysis = self._analyses[language] = _Analysis(
                fold,
                for_language(language, fold) if self.stopwords else frozenset(),
                spec.stemmer if self.stem and spec is not None else None,
            )
        return analysis

    def _analyse(self, word: str) -> str:
        ascii_word = word.isascii()
        language = self._ascii_language if ascii_word else word_language(word, self.language)
        fold, stopwords, stemmer = self._analysis(language)
        word = fold(word)
        if not word or (word in stopwords and (ascii_word or not segment.is_unit(word))):
            return ""
        if stemmer is not None and not word[0].isdigit():
            return str(self._stemmer(stemmer).stemWord(word))
        return word

    def term(self, raw: str) -> str:
        """Return the index term for one raw token, or "" when it is a stopword."""
        cached = self._cache.get(raw)
        if cached is not None:
            return cached
        word = self.surface(raw)
        result = self._analyse(word) if word else ""
        if len(raw) <= _CACHED_CHARS:
            self._memo.put(raw, result)
        return result

    def surface(self, raw: str) -> str:
        """Return the case-folded word a raw token of this tokenizer's language stands for."""
        if self._before_casefold is not None:
            raw = self._before_casefold(raw)
        return surface_form(raw)

    def raw_tokens(self, text: str, *, clean: bool = False) -> list[str]:
        """Return the raw tokens of text as they stand in it (before folding).

        clean=True says text already went through clean_text (as indexed text has).
        """
        if not clean:
            text = clean_text(text)
        if text.isascii():
            return _ASCII_TOKEN_RE.findall(text)
        out: list[str] = []
        for match in _TOKEN_RE.finditer(text):
            if match.lastgroup == "seg":
                run = match.group()
                out.extend(run[a:b] for a, b in segment.units(run))
            else:
                out.append(match.group())
        return out

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
        pattern = _ASCII_TOKEN_RE if text.isascii() else _TOKEN_RE
        for match in pattern.finditer(text):
            if match.lastgroup == "seg":
                run, base = match.group(), match.start()
                for a, b in segment.units(run):
                    t = self.term(run[a:b])
                    if t:
                        out.append(TokenSpan(base + a, base + b, t))
                continue
            t = self.term(match.group())
            if t:
                out.append(TokenSpan(match.start(), match.end(), t))
        return out

    def words(self, text: str) -> list[str]:
        """Return the case-folded surface words of text (stopwords included), for spelling."""
        return [self.surface(raw) for raw in self.raw_tokens(text)]
