"""HTML sources (.html, .htm): the article's main text and the metadata the page declares.

trafilatura (offline) finds the main text and the title, author, date and url; its XML
output is walked into blocks: headings as Markdown headings, list items bulleted, table
rows barred, so that the cleaning reads them for what they are.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from retrieval.errors import SourceError
from retrieval.ingest.formats.raw import Identity, RawDocument, is_binary, nonblank, read_bytes
from retrieval.settings import MetaOverride

# Block elements of trafilatura's XML output; anything else inside a block is inline.
_XML_BLOCKS = frozenset({"head", "p", "list", "item", "quote", "table", "code", "div"})


class _XmlElement(Protocol):
    """The part of an lxml element that the HTML reader walks (lxml ships no types)."""

    tag: str
    text: str | None
    tail: str | None

    def get(self, key: str) -> str | None: ...

    def __iter__(self) -> Iterator[_XmlElement]: ...

    def iter(self, tag: str) -> Iterator[_XmlElement]: ...


def read_html(
    path: Path, name: str, max_bytes: int, identity: Identity | None = None
) -> RawDocument:
    """Return the article of an HTML page; SourceError when the page holds none."""
    data = read_bytes(path, max_bytes, identity)
    if is_binary(data):
        raise SourceError(f"{path} is binary data, not an HTML page: remove it or rename it")
    import trafilatura  # here, not at the top: a quarter second every worker would pay
    from trafilatura.settings import Document

    try:
        # Bytes, not str: trafilatura then honours the page's own <meta charset>.
        found = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            # Only dates the page declares: the extensive search reads "in 2018" in the text
            # as a publication date of 2018-01-01.
            date_extraction_params={
                "original_date": True,
                "extensive_search": False,
                "max_date": datetime.date.today().isoformat(),
            },
        )
    except Exception as exc:  # a third-party parser on an arbitrary file: any error is "bad file"
        raise SourceError(f"{path} cannot be read as HTML ({exc}): is it a web page?") from exc
    body: _XmlElement | None = found.body if isinstance(found, Document) else None
    blocks = list(_xml_blocks(body)) if body is not None else []
    if not isinstance(found, Document) or all(len(block.split()) <= 3 for block in blocks):
        # Nothing but a few words (a menu, a "Home" link): no article on this page.
        raise SourceError(
            f"{path}: no article text found in this HTML page; save the article page "
            "itself, or its text as .txt"
        )
    meta = MetaOverride(
        title=nonblank(found.title),
        author=nonblank(found.author),
        date=nonblank(found.date),
        url=nonblank(found.url),
    )
    return RawDocument(name=name, pages=((None, "\n\n".join(blocks)),), meta=meta, kind="article")


def _xml_blocks(parent: _XmlElement) -> Iterator[str]:
    """Yield each block under parent: headings as markdown, list items bulleted, rows barred."""
    lead = " ".join((parent.text or "").split())
    if lead:
        yield lead
    for child in parent:
        if child.tag == "head":
            rend = child.get("rend") or ""
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            text = _inline_text(child)
            if text:
                yield "#" * level + " " + text
        elif child.tag == "table":
            for row in child.iter("row"):
                cells = [_inline_text(cell) for cell in row]
                if any(cells):
                    # Each row a block, framed by bars so that it never reads as a heading.
                    yield "| " + " | ".join(cells) + " |"
        elif child.tag == "graphic":
            continue
        elif any(grand.tag in _XML_BLOCKS for grand in child):
            yield from _xml_blocks(child)
        else:
            text = _inline_text(child)
            if text:
                # A bullet keeps a short item from being read as a heading by the cleaning.
                yield f"• {text}" if child.tag == "item" else text
        tail = " ".join((child.tail or "").split())
        if tail:
            yield tail


def _inline_text(element: _XmlElement) -> str:
    return " ".join("".join(_inline_pieces(element)).split())


def _inline_pieces(element: _XmlElement) -> Iterator[str]:
    yield element.text or ""
    for child in element:
        if child.tag == "lb":
            yield " "
        else:
            yield from _inline_pieces(child)
        yield child.tail or ""
