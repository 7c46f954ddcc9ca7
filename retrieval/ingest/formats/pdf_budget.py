"""CPU limits on reading one PDF: pages, content and time, checked before each page is read.

Text extraction parses a page's content streams, so its cost is the sum over the pages of
their decoded content, not the file's size: a 70 KB file whose 400 pages all point at one
1 MiB stream makes pypdf parse 400 MiB (minutes of CPU). `within_budget` hands out a PDF's
pages while three budgets last:

  - content: the decoded content of the pages so far, a shared stream counted on every
    page that uses it, at most CONTENT_PER_BYTE times the file's size (a page's text
    compresses a few times, and a stream is normally used once) or MIN_CONTENT_BYTES;
  - pages: at most MAX_PAGES;
  - time: at most MAX_SECONDS of this thread's CPU for the file.

The pages past a budget are not read: the SourcePolicy warns, naming the file and the pages
left out (or stops the build, with `sources.on_error: error`). A stream is decoded once
(pypdf keeps the result), so counting costs little.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.ingest.policy import SourcePolicy

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

MAX_PAGES = 5_000
MAX_SECONDS = 60.0
MIN_CONTENT_BYTES = 8 << 20
CONTENT_PER_BYTE = 32


def content_bytes(page: PageObject) -> int:
    """Return the decoded size of a page's content streams (0 when it has none)."""
    try:
        contents: Any = page.get("/Contents")
        if contents is None:
            return 0
        contents = contents.get_object()
        streams = contents if isinstance(contents, list) else [contents]
        return sum(len(stream.get_object().get_data()) for stream in streams)
    except Exception:  # a broken stream: extracting the page will say so, page by page
        return 0


def within_budget(
    reader: PdfReader, path: Path, file_size: int, policy: SourcePolicy
) -> Iterator[PageObject]:
    """Yield a PDF's pages while the content, page and time budgets last."""
    pages = reader.pages
    total = len(pages)
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
            shown = f"page {number}" if number == total else f"pages {number}-{total}"
            policy.skip_part(f"{path}: {shown} not read: {why}", "the rest")
            return
        yield page
