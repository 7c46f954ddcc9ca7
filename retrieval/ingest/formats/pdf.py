"""PDF sources: the text layer page by page, in lines joined into paragraphs, with the page
each paragraph starts on; title and author from the document info (pypdf).

Page numbers and running headers or footers (the same line at the top or bottom of most
pages) are dropped; a paragraph ends where the line spacing, the font size or the column
changes, or where a sentence ends well before the margin.
"""

from __future__ import annotations

import math
import os
import re
import statistics
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from retrieval.errors import SourceError
from retrieval.ingest.formats.pdf_budget import within_budget
from retrieval.ingest.formats.raw import Identity, RawDocument, nonblank, open_checked, too_big
from retrieval.ingest.pages import LINE_END, unhyphenate
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import MetaOverride

if TYPE_CHECKING:
    from pypdf import PageObject

_PAGE_NUMBER = re.compile(
    r"(?:[Pp]age\s+)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*(?:(?:of|/)\s*\d{1,4})?\s*[-–—]?"
)
# File names and tool defaults that PDF writers put in /Title in place of a real title.
_JUNK_PDF_TITLE = re.compile(
    r"^(?:untitled|microsoft \w+ - .*|.*\.(?:docx?|pdf|tex|dvi|indd|rtf|odt|pptx?))$",
    re.IGNORECASE,
)


class _Line(NamedTuple):
    """One extracted line of a PDF page: its text, baseline height and font size."""

    text: str
    y: float | None
    size: float


def read_pdf(
    path: Path, name: str, policy: SourcePolicy, max_bytes: int, identity: Identity | None = None
) -> RawDocument:
    """Return a PDF's text by page; SourceError for an encrypted, damaged or image-only file."""
    with open_checked(path, identity) as handle:
        return _read_pdf(handle, path, name, policy, max_bytes)


def _read_pdf(
    handle: BinaryIO, path: Path, name: str, policy: SourcePolicy, max_bytes: int
) -> RawDocument:
    from pypdf import PasswordType, PdfReader  # here: imports take a tenth of a second

    try:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise too_big(path, size, max_bytes)
        reader = PdfReader(handle)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise SourceError(
                f"{path} is encrypted with a password: save a copy without a password "
                "(for example `qpdf --decrypt --password=... in.pdf out.pdf`) and use that"
            )
        info = reader.metadata
        title = nonblank(info.title) if info is not None else None
        author = nonblank(info.author) if info is not None else None
        page_lines = [
            _extract_lines(page, path, number, policy)
            for number, page in enumerate(within_budget(reader, path, size, policy), start=1)
        ]
    except SourceError:
        raise
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except Exception as exc:  # pypdf on a damaged or disguised file raises many kinds
        raise SourceError(
            f"{path} is not a readable PDF ({type(exc).__name__}: {exc}): is it damaged, "
            "or another kind of file renamed .pdf?"
        ) from exc
    _drop_page_furniture(page_lines)
    pages = tuple(
        (number, _page_text(lines))
        for number, lines in enumerate(page_lines, start=1)
        if any(line.text.strip() for line in lines)
    )
    if not pages:
        raise SourceError(
            f"{path} has no text layer (a scanned or image-only PDF): run OCR on it first, "
            "for example `ocrmypdf in.pdf out.pdf`, and use the result"
        )
    if title is not None and _JUNK_PDF_TITLE.match(title):
        title = None
    return RawDocument(name=name, pages=pages, meta=MetaOverride(title=title, author=author))


def _extract_lines(page: PageObject, path: Path, number: int, policy: SourcePolicy) -> list[_Line]:
    fragments: list[tuple[str, float, float]] = []

    def visit(text: Any, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text:
            # Where the text matrix times the current transformation matrix puts the baseline.
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            fragments.append((str(text), float(y), float(size) * scale))

    try:
        page.extract_text(visitor_text=visit)
    except Exception as exc:  # one broken page should not cost the whole document
        problem = f"{path}, page {number}: cannot extract its text ({type(exc).__name__}: {exc})"
        policy.skip_part(problem, "page")
        return []
    return _lines(fragments)


def _lines(fragments: list[tuple[str, float, float]]) -> list[_Line]:
    lines: list[_Line] = []
    parts: list[str] = []
    y: float | None = None
    size = 0.0
    for text, frag_y, frag_size in fragments:
        for i, part in enumerate(text.split("\n")):
            if i > 0:
                lines.append(_Line(" ".join("".join(parts).split()), y, size))
                parts, y, size = [], None, 0.0
            if part.strip() and y is None:
                y, size = frag_y, frag_size
            parts.append(part)
    lines.append(_Line(" ".join("".join(parts).split()), y, size))
    return [line for line in lines if line.text]


def _drop_page_furniture(pages: list[list[_Line]]) -> None:
    """Drop page numbers and running headers or footers from the top and bottom of pages."""

    def strip_numbers() -> None:
        for lines in pages:
            while lines and _PAGE_NUMBER.fullmatch(lines[0].text):
                del lines[0]
            while lines and _PAGE_NUMBER.fullmatch(lines[-1].text):
                del lines[-1]

    def key(line: _Line, index: int) -> tuple[str, int | None]:
        # "Tidal Review 12" on one page and "Tidal Review 13" on the next are one running
        # header: the number in it goes up with the page, so number - page stays the same.
        numbers = re.findall(r"\d+", line.text)
        offset = int(numbers[-1]) - index if numbers else None
        return re.sub(r"\d+", "#", line.text.casefold()), offset

    strip_numbers()
    if len(pages) < 3:
        return
    edges = Counter(
        k
        for index, lines in enumerate(pages)
        if lines
        for k in {key(lines[0], index), key(lines[-1], index)}
    )
    running = {k for k, count in edges.items() if count >= max(3, len(pages) / 2)}
    for index, lines in enumerate(pages):
        if lines and key(lines[0], index) in running:
            del lines[0]
        if lines and key(lines[-1], index) in running:
            del lines[-1]
    strip_numbers()


def _page_text(lines: list[_Line]) -> str:
    """Return a page's lines, with a blank line where a paragraph seems to end."""
    gaps = [
        a.y - b.y
        for a, b in pairwise(lines)
        if a.y is not None and b.y is not None and 0 < a.y - b.y < 3 * max(a.size, 1.0)
    ]
    pitch = statistics.median(gaps) if gaps else None
    lengths = sorted(len(line.text) for line in lines)
    full = lengths[int(0.9 * (len(lengths) - 1))] if len(lengths) >= 4 else None
    texts = [line.text for line in lines]
    ends = [_paragraph_ends(prev, line, pitch, full) for prev, line in pairwise(lines)]
    for i, end in enumerate(ends):
        if not end:
            texts[i], texts[i + 1] = unhyphenate(texts[i], texts[i + 1])
    paragraphs: list[list[str]] = [[]]
    for i, text in enumerate(texts):
        if i > 0 and ends[i - 1] and paragraphs[-1]:
            paragraphs.append([])
        if text:
            paragraphs[-1].append(text)
    return "\n\n".join("\n".join(lines) for lines in paragraphs if lines)


def _paragraph_ends(prev: _Line, line: _Line, pitch: float | None, full: int | None) -> bool:
    if prev.y is not None and line.y is not None:
        gap = prev.y - line.y
        if pitch is not None and gap > 1.4 * pitch:
            return True  # extra space between the lines
        if gap < -0.5 * max(line.size, 1.0):
            return True  # moved up the page: a new column or text box
    if abs(prev.size - line.size) > 0.1 * max(prev.size, line.size):
        return True  # a heading and the body text around it
    # A sentence that ends well before the right margin ends its paragraph.
    return full is not None and prev.text.endswith(LINE_END) and len(prev.text) < 0.8 * full
