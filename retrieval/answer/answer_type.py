"""What a question asks for: its interrogatives, the words naming the kind of answer, and
whether the answer is a number, a date, a name or a place.

"What year did Tesla die?" asks for a date, and "year" only names the kind of answer: the
passage that answers says "1943", not "year". Such words (the content word right after
an interrogative determiner: "what year", "which country", "how many people"; right
before a postposed one: Vietnamese "năm nào"; or the X of "what is the X of ...") and
the interrogatives themselves must not count against a passage that lacks them. In
Chinese and Thai, written without spaces, the interrogative strings of the question's
text are found instead, and every unit (character bigram) that overlaps one is an
interrogative: "什么时候" makes 什么, 么时 and 时候 non-counting. The words of each language
are in question_words.py; in a language without an entry nothing is treated specially.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import regex

from retrieval.answer.question_words import QUESTION_WORDS, Kind, QuestionWords
from retrieval.text import segment
from retrieval.text.normalize import arabic
from retrieval.text.tokenize import clean_text, surface_form

__all__ = ["NOTHING", "AskedFor", "Kind", "asked_for", "capitalises_nouns"]

# Languages that capitalise every noun: there a capital does not mark a name.
_NOUNS_CAPITALISED = frozenset({"de", "lb"})
MAX_TYPE_WORDS = 1
MAX_PHRASE_WORDS = 3
# Thai vowels written before the consonant they follow in speech: an interrogative never
# starts right after one ("กี่" "how many" inside "เกี่ยว" "about" is not one).
_LEADING_VOWELS = frozenset("เแโใไ")
_RUN = regex.compile(segment.RUN)
# Folding for question words beyond case: Arabic harakat ("أيٌّ" is "اي"). Greek keeps its
# accents: "πού" "where", "που" "that".
_FOLD: dict[str, Callable[[str], str]] = {"ar": arabic, "fa": arabic, "ur": arabic}


@dataclass(frozen=True)
class AskedFor:
    """What a question asks for, in its own (case-folded) words."""

    kind: Kind | None
    type_words: frozenset[str]  # words that name the kind of answer
    interrogatives: frozenset[str]


NOTHING = AskedFor(None, frozenset(), frozenset())


def capitalises_nouns(lang: str) -> bool:
    """Say whether lang capitalises every noun (so a capital does not mark a name)."""
    return lang in _NOUNS_CAPITALISED


def _word_fold(lang: str) -> Callable[[str], str]:
    extra = _FOLD.get(lang)
    return surface_form if extra is None else lambda word: extra(surface_form(word))


@functools.cache
def _folded(lang: str) -> QuestionWords | None:
    """Return the language's question words folded as a question's words are."""
    table = QUESTION_WORDS.get(lang)
    if table is None:
        return None
    fold = _word_fold(lang)

    def words(phrases: frozenset[str]) -> frozenset[str]:
        return frozenset(" ".join(map(fold, phrase.split())) for phrase in phrases)

    def keyed(table: dict[str, Kind | None]) -> dict[str, Kind | None]:
        return {" ".join(map(fold, k.split())): v for k, v in table.items()}

    return QuestionWords(
        asks=keyed(table.asks),
        determiners=words(table.determiners),
        after=words(table.after),
        fillers=words(table.fillers),
        kinds={fold(k): v for k, v in table.kinds.items()},
        phrases=table.phrases,
        initial=keyed(table.initial),
        copulas=words(table.copulas),
        naming=words(table.naming),
        links=words(table.links),
    )


_STEMMED: dict[str, dict[str, Kind]] = {}


def _kind_of(
    word: str, table: QuestionWords, lang: str, stem: Callable[[str], str] | None
) -> Kind | None:
    """Return the kind a word names, by itself or by its stem ("yılında": yıl, a date)."""
    kind = table.kinds.get(word)
    if kind is not None or stem is None:
        return kind
    stems = _STEMMED.get(lang)
    if stems is None:
        stems = {}
        for key, value in sorted(table.kinds.items()):
            stems.setdefault(stem(key) or key, value)
        _STEMMED[lang] = stems
    term = stem(word)
    return stems.get(term) if term else None


def asked_for(
    words: Sequence[tuple[str, str]],
    lang: str,
    is_stopword: Callable[[str], bool],
    stem: Callable[[str], str] | None = None,
    text: str = "",
) -> AskedFor:
    """Return what a question asks for, from its words as (raw, case-folded) pairs.

    stem: the question's term of a word (kind words are also matched by stem); text: the
    question, for languages written without spaces.
    """
    table = _folded(lang)
    if table is None:
        return NOTHING
    if table.phrases:
        return _unspaced(table, lang, text)
    names_capitalised = not capitalises_nouns(lang)
    original = [w for _, w in words]
    if lang in _FOLD:
        words = [(raw, _FOLD[lang](word)) for raw, word in words]
    folded = [w for _, w in words]
    kind: Kind | None = None
    type_words: list[str] = []
    interrogatives: list[str] = []
    if folded and folded[0] in table.initial:
        interrogatives.append(folded[0])
        kind = table.initial[folded[0]]
    i = 0
    while i < len(words):
        phrase, size = _phrase_at(folded, i, table)
        if not phrase:
            i += 1
            continue
        interrogatives.extend(folded[i : i + size])
        kind = kind or table.asks[phrase]
        if phrase in table.after and i > 0:
            raw, before = words[i - 1]
            capital = names_capitalised and raw[:1].isupper() and i > 1
            skip = is_stopword(before) or before in table.asks or before in table.copulas
            if not capital and not skip:
                type_words.append(before)
                kind = kind or _kind_of(before, table, lang, stem)
        if phrase not in table.determiners:
            i += size
            continue
        found, named = _governed(words, i + size, table, lang, is_stopword, stem)
        type_words += found
        kind = kind or named
        # "what is the name of ...": the noun before the link names the kind of answer.
        j = i + size
        while j < len(folded) and folded[j] in table.copulas:
            j += 1
        if j > i + size and j + 1 < len(folded) and folded[j + 1] in table.links:
            noun = folded[j]
            if noun in table.naming:
                type_words.append(noun)
                kind = kind or _kind_of(noun, table, lang, stem)
        i += size

    def as_written(found: list[str]) -> frozenset[str]:
        return frozenset(o for o, f in zip(original, folded, strict=True) if f in found)

    return AskedFor(kind, as_written(type_words), as_written(interrogatives))


def _phrase_at(folded: list[str], i: int, table: QuestionWords) -> tuple[str, int]:
    """Return the longest interrogative starting at word i and its length in words."""
    for size in range(min(MAX_PHRASE_WORDS, len(folded) - i), 0, -1):
        phrase = " ".join(folded[i : i + size])
        if phrase in table.asks:
            return phrase, size
    return "", 0


def _governed(
    words: Sequence[tuple[str, str]],
    j: int,
    table: QuestionWords,
    lang: str,
    is_stopword: Callable[[str], bool],
    stem: Callable[[str], str] | None,
) -> tuple[list[str], Kind | None]:
    """Return the words a determiner governs from word j on ("which [country]"), and the
    kind they name."""
    names_capitalised = not capitalises_nouns(lang)
    found: list[str] = []
    kind: Kind | None = None
    taken = 0
    while j < len(words) and taken < MAX_TYPE_WORDS:
        raw, nxt = words[j]
        if nxt in table.fillers:
            kind = kind or _kind_of(nxt, table, lang, stem)
            found.append(nxt)
            j += 1
            continue
        if nxt in table.asks or (names_capitalised and raw[:1].isupper()) or is_stopword(nxt):
            break
        found.append(nxt)
        kind = kind or _kind_of(nxt, table, lang, stem)
        taken += 1
    return found, kind


@functools.cache
def _pattern(lang: str) -> regex.Pattern[str]:
    phrases = sorted(QUESTION_WORDS[lang].phrases, key=lambda p: (-len(p), p))
    return regex.compile("|".join(regex.escape(p) for p in phrases))


def _mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _unspaced(table: QuestionWords, lang: str, text: str) -> AskedFor:
    """Return what a question in a script without spaces asks for, from its text."""
    text = clean_text(text)
    covered = bytearray(len(text))
    kind: Kind | None = None
    for match in _pattern(lang).finditer(text):
        a, b = match.span()
        if a > 0 and (text[a - 1] in _LEADING_VOWELS or _mark(text[a])):
            continue  # inside a syllable of another word
        if b < len(text) and _mark(text[b]):
            continue
        covered[a:b] = b"\x01" * (b - a)
        kind = kind or table.phrases[match.group()]
    interrogatives: set[str] = set()
    for run in _RUN.finditer(text):
        base = run.start()
        for a, b in segment.units(run.group()):
            if any(covered[base + a : base + b]):
                interrogatives.add(surface_form(text[base + a : base + b]))
    return AskedFor(kind, frozenset(), frozenset(interrogatives))
