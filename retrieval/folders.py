"""What the page copies in one folder share: lines that stand in several of them.

Pages saved from one site repeat its menus, share bars and footers word for word; an
article's own sentences stand in one page. The lines (case, spacing and numbers aside)
that stand in at least `MIN_FILES` text files of a folder are a sign of furniture for the
line model (retrieval/boilerplate.py). Only .txt and .md files count: HTML pages are
cleaned by trafilatura from their markup, PDFs by their layout, and .jsonl dumps are
documents already.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from retrieval.boilerplate import line_key, page_lines
from retrieval.tokenize import clean_text

MIN_FILES = 3
PAGE_SUFFIXES = (".txt", ".md")


def repeated_lines(texts: Iterable[str]) -> frozenset[str]:
    """Return the keys (boilerplate.line_key) of lines standing in MIN_FILES of the texts."""
    from retrieval.cleaning import text_blocks

    counts: Counter[str] = Counter()
    for text in texts:
        # Normalised as clean_document does, so that the keys meet.
        lines = page_lines(text_blocks(clean_text(text).replace("\u00a0", " ")))
        counts.update({line_key(line.text) for line in lines})
    return frozenset(key for key, n in counts.items() if n >= MIN_FILES)
