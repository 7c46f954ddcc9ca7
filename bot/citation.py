"""What a citation says, in plain text pieces that every renderer formats its own way.

Under each quote a short label: the source's number in /sources, a short name (the first
author's surname and the publisher, abbreviated when long: "Roy, IDSA"), and the place
(section, then the PDF page or the paragraph: "Core Differences · ¶2", "p. 7"). Once per
source, the full reference: title (a link when there is a url), author, publisher, date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval import SourceMeta

SHORT_PUBLISHER = 24  # a longer publisher name is abbreviated (or clipped) in labels
SHORT_TITLE = 32  # a label made from a title (no author, no publisher) keeps this much
SECTION = 60  # of a section heading in a label
_ACRONYM = re.compile(r"\(([A-ZА-Я][A-ZА-Я0-9&.-]{1,11})\)")
_AUTHORS = re.compile(r"\s*(?:;|,|&|\band\b|\bи\b)\s*")
_MINOR = frozenset("a an and at by for in of on the to und der die des de du la le et".split())


def shortened(text: str, limit: int) -> str:
    """Return text cut to at most limit characters at a word boundary, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


def surname(author: str) -> str:
    """Return how a label names the author(s): the first author's last name, "A and B" for
    two, "A et al." for more."""
    names = [n for n in _AUTHORS.split(author.strip()) if n]
    last = [n.split()[-1] for n in names]
    if not last:
        return ""
    if len(last) == 2:
        return f"{last[0]} and {last[1]}"
    return last[0] + (" et al." if len(last) > 2 else "")


def short_publisher(publisher: str) -> str:
    """Return a publisher as a label names it: its acronym when it gives one or is a long
    name of capitalised words ("Institute for Defence Studies and Analyses" -> "IDSA")."""
    given = _ACRONYM.search(publisher)
    if given:
        return given.group(1)
    if len(publisher) <= SHORT_PUBLISHER:
        return publisher
    words = [w for w in publisher.split() if w.casefold() not in _MINOR]
    if len(words) >= 3 and all(w[:1].isupper() for w in words):
        return "".join(w[0] for w in words)
    return shortened(publisher, SHORT_PUBLISHER)


def short_name(meta: SourceMeta) -> str:
    """Return the short name of a source: "Surname, PUBLISHER", either alone, or its title."""
    parts = [surname(meta.author) if meta.author else ""]
    parts.append(short_publisher(meta.publisher) if meta.publisher else "")
    name = ", ".join(p for p in parts if p)
    return name or shortened(meta.title, SHORT_TITLE) or shortened(meta.file, SHORT_TITLE)


def place(paragraph: int, section: str | None = None, page: int | None = None) -> str:
    """Return where in a source: the section, then the PDF page or else the paragraph."""
    where = f"p. {page}" if page is not None else f"¶{paragraph}"
    return f"{shortened(section, SECTION)} · {where}" if section else where


@dataclass(frozen=True)
class Label:
    """The short citation under a quote: "[2] Roy, IDSA · Core Differences · ¶2"."""

    number: int  # the source's number in /sources; 0 when unknown
    name: str  # "Roy, IDSA"; empty when the source is named by a heading above
    where: str  # "Core Differences · ¶2"
    link: str | None = None  # the quote's place in the original

    @property
    def mark(self) -> str:
        """Return the reference mark, "[2]" (empty when the number is unknown)."""
        return f"[{self.number}]" if self.number else ""

    @property
    def text(self) -> str:
        """Return the label after its mark: "Roy, IDSA · Core Differences · ¶2"."""
        return " · ".join(p for p in (self.name, self.where) if p)


@dataclass(frozen=True)
class Reference:
    """The full reference of a source: "[2] Title — Author, Publisher, Date"."""

    number: int
    title: str
    url: str | None
    byline: str  # author, publisher, date as far as known; empty when the title is made of them

    @property
    def mark(self) -> str:
        """Return the reference mark, "[2]" (empty when the number is unknown)."""
        return f"[{self.number}]" if self.number else ""


def label(
    meta: SourceMeta,
    number: int,
    paragraph: int,
    section: str | None = None,
    page: int | None = None,
    link: str | None = None,
    named: bool = True,
) -> Label:
    """Return the label of one quote (named=False under a heading that names its source)."""
    return Label(number, short_name(meta) if named else "", place(paragraph, section, page), link)


def reference(meta: SourceMeta, number: int) -> Reference:
    """Return the full reference of a source."""
    return Reference(number, meta.title, meta.url, meta.byline)


def source_line(meta: SourceMeta) -> str:
    """Return a source's byline for listings: author, publisher, date as far as known
    (nothing when the source has no title and is called by them)."""
    return meta.byline
