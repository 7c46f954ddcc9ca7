"""CPU limits on reading one PDF: pages, content and time, checked before each page is read.

Text extraction parses a page's content streams, so its cost is the sum over the pages of
their decoded content, not the file's size: a 70 KB file whose 400 pages all point at one
1 MiB stream makes the reader parse 400 MiB (minutes of CPU). `within_budget` hands out a
PDF's pages (pdfminer's, as pdf_layout.py reads them) while three budgets last:

  - content: the decoded content of the pages so far, a shared stream counted on every
    page that uses it, at most CONTENT_PER_BYTE times the file's size (a page's text
    compresses a few times, and a stream is normally used once) or MIN_CONTENT_BYTES;
  - pages: at most MAX_PAGES;
  - time: at most MAX_SECONDS of this thread's CPU for the file;
  - characters: a page drawing over MAX_PAGE_CHARS characters (a dense page has about
    6,000) is left out with a warning, as the layout analysis of so many lines takes
    minutes; `CharCount` counts them as the page is drawn, before that analysis.

The pages past a budget are not read: the SourcePolicy warns, naming the file and the pages
left out (or stops the build, with `sources.on_error: error`). A stream is decoded once
(pdfminer keeps the result for the page's parsing), so counting costs little.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.ingest.policy import SourcePolicy

if TYPE_CHECKING:
    from pdfminer.pdfpage import PDFPage

MAX_PAGES = 5_000
MAX_SECONDS = 60.0
MIN_CONTENT_BYTES = 8 << 20
CONTENT_PER_BYTE = 32
MAX_PAGE_CHARS = 60_000


class PageTooLargeError(Exception):
    """A page draws more characters than MAX_PAGE_CHARS."""


class CharCount:
    """Count the characters a page draws; raise PageTooLargeError past MAX_PAGE_CHARS."""

    def __init__(self) -> None:
        self.count = 0

    def start_page(self) -> None:
        self.count = 0

    def add(self) -> None:
        self.count += 1
        if self.count > MAX_PAGE_CHARS:
            raise PageTooLargeError(f"it draws over {MAX_PAGE_CHARS:,} characters")


def content_bytes(page: PDFPage) -> int:
    """Return the decoded size of a page's content streams (0 when it has none)."""
    from pdfminer.pdftypes import PDFStream, resolve1

    total = 0
    try:
        for item in page.contents:
            stream = resolve1(item)
            if isinstance(stream, PDFStream):
                total += len(stream.get_data())
    except Exception:  # a broken stream: extracting the page will say so, page by page
        return total
    return total


def within_budget(
    pages: Iterable[PDFPage], total: int, path: Path, file_size: int, policy: SourcePolicy
) -> Iterator[PDFPage]:
    """Yield a PDF's pages (total of them) while the content, page and time budgets last."""
    allowed = max(MIN_CONTENT_BYTES, CONTENT_PER_BYTE * file_size)
    started = time.thread_time()
    spent = 0
    for number, page in enumerate(pages, start=1):
        why = None
        if number > MAX_PAGES:
            why = f"over {MAX_PAGES:,} pages"
        elif number > 1 and time.thread_time() - started > MAX_SECONDS:
            why = f"reading took over {MAX_SECONDS:.0f} s of CPU"
        else:
            spent += content_bytes(page)
            if spent > allowed:
                why = (
                    f"the pages hold over {allowed / (1 << 20):,.0f} MiB of content to parse "
                    f"({file_size:,} bytes on disk: pages sharing one content stream?)"
                )
        if why is not None:
            last = max(total, number)  # pypdf's count; pdfminer may find a page more
            shown = f"page {number}" if number == last else f"pages {number}-{last}"
            policy.skip_part(f"{path}: {shown} not read: {why}", "the rest")
            return
        yield page
