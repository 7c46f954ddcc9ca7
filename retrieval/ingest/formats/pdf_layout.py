"""Read a PDF's text layer in reading order, page by page, without its page furniture.

pdfminer.six's layout analysis (MIT licence; chosen over pypdf's content-stream order,
which interleaves the lines of a three-column page drawn row by row, and over PyMuPDF,
whose AGPL licence would bind sourcebot) groups the characters of a page into lines and
the lines into text boxes, orders the boxes column by column, and puts spaces where the
gaps between characters are (no "technica l"). Here each page becomes lines with their
height and font size; running headers and footers (a line near the top or bottom edge
that comes back on half the pages or more, its numbers aside) and page numbers are
dropped; a paragraph ends at extra space, at a change of font size, or at a short last
line after a full stop; a paragraph carried on into the next column, or the next page,
stays whole, and a word hyphenated at a line end is joined. Pages are taken within the
budgets of pdf_budget.py (pages, content, CPU time). pdfminer's and pypdf's loggers are
quieted: a damaged font is not the user's business; a page that cannot be read is (a
warning naming it).
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from retrieval.ingest.formats.pdf_budget import CharCount, PageTooLargeError, within_budget
from retrieval.ingest.pages import LINE_END, unhyphenate
from retrieval.ingest.policy import SourcePolicy

for _name in ("pdfminer", "pypdf"):
    logging.getLogger(_name).setLevel(logging.ERROR)

_PAGE_NUMBER = re.compile(
    r"(?:[Pp]age\s+)?[-–—]?\s*(?:\d{1,6}|[ivxlc]{1,7})\s*(?:(?:of|/)\s*\d{1,4})?\s*[-–—]?"
)
EDGE = 0.1  # the top and bottom tenth of a page is where running headers and footers stand


class Line(NamedTuple):
    """One line of a page: its text, baseline height and font size."""

    text: str
    y: float | None
    size: float


class PageLines(NamedTuple):
    """The lines of one page in reading order, and the page's height."""

    number: int
    lines: list[Line]
    height: float


def read_pages(
    handle: BinaryIO, path: Path, policy: SourcePolicy, file_size: int, total: int
) -> list[PageLines]:
    """Return the lines of the pages within the budgets (pdf_budget.py), in reading order,
    from an open PDF (`total` pages); a page that cannot be read is skipped with a warning
    (on_error "skip") or a SourceError, and so are the pages past a budget."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    pages: list[PageLines] = []
    document = PDFDocument(PDFParser(handle))
    resources = PDFResourceManager(caching=True)
    chars = CharCount()

    class CountingAggregator(PDFPageAggregator):
        def render_char(self, *args: Any, **kwargs: Any) -> float:
            chars.add()
            return float(super().render_char(*args, **kwargs))

    device = CountingAggregator(resources, laparams=LAParams())
    interpreter = PDFPageInterpreter(resources, device)
    found = PDFPage.create_pages(document)
    for number, page in enumerate(within_budget(found, total, path, file_size, policy), start=1):
        chars.start_page()
        try:
            interpreter.process_page(page)
            layout = device.get_result()
        except PageTooLargeError as exc:
            policy.skip_part(f"{path}, page {number}: not read: {exc}", "page")
            continue
        except Exception as exc:  # one broken page should not cost the whole document
            problem = (
                f"{path}, page {number}: cannot extract its text ({type(exc).__name__}: {exc})"
            )
            policy.skip_part(problem, "page")
            continue
        pages.append(PageLines(number, list(_layout_lines(layout)), float(layout.height)))
    return pages


def _layout_lines(layout: Any) -> Iterator[Line]:
    """Yield the lines of pdfminer's page layout, box by box in reading order (`_ordered`)."""
    from pdfminer.layout import LTChar, LTTextBox

    boxes = [box for box in layout if isinstance(box, LTTextBox)]
    for box in _ordered(boxes):
        for line in box:
            text = " ".join(line.get_text().split())
            if not text:
                continue
            sizes = [char.size for char in line if isinstance(char, LTChar)]
            size = statistics.median(sizes) if sizes else 0.0
            yield Line(text, float(line.y0), float(size))


def _ordered(boxes: list[Any]) -> list[Any]:
    """Return text boxes in reading order: column by column, top to bottom in each.

    pdfminer's own order drifts on pages of several columns (the foot of a column can come
    after the next one). A box much wider than most spans the columns (a title, a table):
    it starts a band of its own, and the columns under it are read band by band. Columns
    are the boxes' left edges, grouped where they lie within half a column width.
    """
    if len(boxes) < 2:
        return boxes
    widths = sorted(box.x1 - box.x0 for box in boxes)
    column_width = widths[len(widths) // 2]
    wide = [box for box in boxes if box.x1 - box.x0 > 1.6 * column_width]
    lefts = sorted(box.x0 for box in boxes if box not in wide)
    starts: list[float] = []
    for x in lefts:
        if not starts or x - starts[-1] > column_width / 2:
            starts.append(x)

    def key(box: Any) -> tuple[int, int, float]:
        # Each wide box opens a band: what stands above it is read first.
        above = sum(1 for w in wide if w is not box and w.y1 > box.y1)
        if box in wide:
            return above + 1, -1, -box.y1
        column = max((i for i, x in enumerate(starts) if x <= box.x0 + column_width / 2), default=0)
        return above, column, -box.y1

    return sorted(boxes, key=key)


def drop_page_furniture(pages: list[PageLines]) -> None:
    """Drop page numbers, and running headers and footers, from the edges of the pages."""

    def edge(page: PageLines, line: Line) -> bool:
        return line.y is None or not (EDGE * page.height < line.y < (1 - EDGE) * page.height)

    def key(line: Line) -> str:
        # "Tidal Review 12" on one page and "Tidal Review 13" on the next are one running
        # header, and so are dated lines and printer's slugs: numbers aside.
        return re.sub(r"\d+", "#", line.text.casefold())

    counts = Counter(k for page in pages for k in {key(ln) for ln in page.lines if edge(page, ln)})
    running = {k for k, n in counts.items() if n >= max(2, len(pages) / 2)}
    for page in pages:
        page.lines[:] = [
            line
            for line in page.lines
            if not (
                edge(page, line) and (key(line) in running or _PAGE_NUMBER.fullmatch(line.text))
            )
        ]


def page_text(lines: list[Line]) -> str:
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
    ends = [paragraph_ends(prev, line, pitch, full) for prev, line in pairwise(lines)]
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


def paragraph_ends(prev: Line, line: Line, pitch: float | None, full: int | None) -> bool:
    """Say whether a paragraph ends between two consecutive lines of a page."""
    if abs(prev.size - line.size) > 0.1 * max(prev.size, line.size):
        return True  # a heading and the body text around it
    if prev.y is not None and line.y is not None:
        gap = prev.y - line.y
        if gap < -0.5 * max(line.size, 1.0):
            # Moved up the page: the next column. A paragraph carried on into it goes on
            # mid-sentence, in lowercase or after a hyphen or comma.
            return prev.text.endswith(LINE_END) or not (
                line.text[:1].islower() or prev.text.endswith(("-", ","))
            )
        if pitch is not None and gap > 1.4 * pitch:
            return True  # extra space between the lines
    # A sentence that ends well before the right margin ends its paragraph.
    return full is not None and prev.text.endswith(LINE_END) and len(prev.text) < 0.8 * full
