"""The plain, frozen data that flows one way through sourcebot.

Sources become paragraphs, paragraphs become passages, the index turns a question into
hits, and hits become an Answer; summaries become a Summary. Renderers (Telegram HTML,
terminal, JSON) read these and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True)
class SourceMeta:
    """Citation metadata of one source; every field but `file` may be unknown."""

    file: str
    title: str
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None
    titled: bool = True  # False: `title` is a label made of author, publisher and date

    @property
    def searchable_title(self) -> str | None:
        """Return the title a search matches: a title, or a label naming who wrote or
        published the source; not a label made of its file name (or id in a .jsonl)."""
        return self.title if self.titled or self.author or self.publisher else None

    @property
    def byline(self) -> str:
        """Return author, publisher and date as far as known, unless the title holds them."""
        if not self.titled:
            return ""
        return ", ".join(x for x in (self.author, self.publisher, self.date) if x)


@dataclass(frozen=True)
class Paragraph:
    """One cleaned paragraph, numbered 1..n within its source."""

    source: str
    number: int
    text: str
    section: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class Source:
    """A loaded and cleaned source document."""

    number: int
    meta: SourceMeta
    paragraphs: Sequence[Paragraph]  # a tuple when freshly cleaned, a table view when indexed

    @property
    def file(self) -> str:
        return self.meta.file


@dataclass(frozen=True)
class Passage:
    """The unit of retrieval: a paragraph, or a sentence-aligned part of a long one."""

    id: int
    source: str
    paragraph: int
    part: int
    text: str
    section: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class Quote:
    """Verbatim text shown to the user, with character spans of matched terms."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Hit:
    """One passage that answers a question, with its citation and its best quote."""

    rank: int
    passage: Passage
    meta: SourceMeta
    score: float
    quote: Quote
    paragraph_text: str
    source_number: int = 0  # the source's number in /sources (1..n); 0 when unknown
    within_source: int = 0  # its rank among the question's hits from the same source (1..)
    link: str | None = None  # the quote's place in the original (text fragment, PDF page)


@dataclass(frozen=True)
class Answer:
    """What the sources say about one question.

    `found` is False when the sources do not answer it; then `hits` is empty.
    `corrected_terms` maps a word of the question to the word searched instead. `words`
    are the question's own searched words as written (corrected where corrected), `context`
    the words carried from an earlier question or a quoted text (a follow-up), and `source`
    the number of the one source searched, when the search was scoped to it.
    `language` is the question's language (the one among the sources' languages it was read
    in; for a question not found that is written in none of them, the one it is in) and
    `source_languages` those of the sources; `language_mismatch` is True when a question
    not found is written in none of the sources' languages (a hint to give the user).
    """

    question: str
    found: bool
    hits: tuple[Hit, ...]
    corrected_terms: dict[str, str] = field(default_factory=dict)
    terms: tuple[str, ...] = ()
    more: bool = False
    words: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    source: int | None = None
    language: str | None = None
    source_languages: tuple[str, ...] = ()
    language_mismatch: bool = False


@dataclass(frozen=True)
class SummarySentence:
    """One sentence chosen for a summary, with where it came from."""

    text: str
    source: str
    paragraph: int
    meta: SourceMeta
    number: int = 0  # the source's number (1..n)
    position: int = 0  # the sentence's place in its source, from 0
    section: str | None = None
    page: int | None = None
    link: str | None = None  # the sentence's place in the original, as for a Hit


@dataclass(frozen=True)
class Summary:
    """An extractive summary of one source, all sources, or a topic across sources."""

    source: str | None
    topic: str | None
    sentences: tuple[SummarySentence, ...]


@dataclass(frozen=True)
class ParagraphContext:
    """A paragraph with the ones before and after it, for the Context button."""

    meta: SourceMeta
    paragraph: Paragraph
    before: Paragraph | None
    after: Paragraph | None


class SourceRow(NamedTuple):
    """One line of the sources list: a source and how many passages it was cut into."""

    source: Source
    passages: int


@dataclass(frozen=True)
class SummaryRequest:
    """What a summary argument ("", "2", "kerry visit", "sanctions") asks for.

    All sources when both `source` and `topic` are None and `problem` is None; one source;
    or a topic across sources. `problem` says why nothing can be summarised: "no-source"
    (a number that names no source) or "no-words" (a topic with no searchable word).
    """

    source: Source | None = None
    topic: str | None = None
    problem: str | None = None
