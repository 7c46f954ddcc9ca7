"""What the page copies in one folder share: lines that stand in several of them.

Pages saved from one site repeat its menus, share bars and footers word for word; an
article's own sentences stand in one page. The lines (case, spacing and numbers aside)
that stand in at least `MIN_FILES` text files of a folder are a sign of furniture for the
line model (boilerplate.py). Only .txt and .md files count: HTML pages are
cleaned by trafilatura from their markup, PDFs by their layout, and .jsonl dumps are
documents already.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from retrieval.errors import SourceError
from retrieval.ingest.cleaning import text_blocks
from retrieval.ingest.files import SourceFile
from retrieval.ingest.formats.markdown import markdown_text
from retrieval.ingest.formats.plain import read_text
from retrieval.ingest.page_lines import line_key, page_lines
from retrieval.settings import SourceSettings
from retrieval.text.tokenize import clean_text

MIN_FILES = 3
PAGE_SUFFIXES = (".txt", ".md")


def repeated_lines(texts: Iterable[str]) -> frozenset[str]:
    """Return the keys (page_lines.line_key) of lines standing in MIN_FILES of the texts."""
    counts: Counter[str] = Counter()
    for text in texts:
        # Normalised as clean_document does, so that the keys meet.
        lines = page_lines(text_blocks(clean_text(text).replace("\u00a0", " ")))
        counts.update({line_key(line.text) for line in lines})
    return frozenset(key for key, n in counts.items() if n >= MIN_FILES)


def with_folder_repeats(files: Sequence[SourceFile], settings: SourceSettings) -> list[SourceFile]:
    """Return the files with the lines each shares with the page copies of its folder."""
    texts: dict[Path, list[str]] = {}
    for file in files:
        suffix = file.path.suffix.lower()
        if suffix not in PAGE_SUFFIXES:
            continue
        try:
            text = read_text(file.path, settings.max_file_mb << 20, file.identity)
        except SourceError:
            continue  # reading it for real says what is wrong
        texts.setdefault(file.path.parent, []).append(
            markdown_text(text) if suffix == ".md" else text
        )
    repeats = {folder: repeated_lines(found) for folder, found in texts.items()}
    return [
        dataclasses.replace(f, repeats=repeats[f.path.parent])
        if f.path.suffix.lower() in PAGE_SUFFIXES and f.path.parent in repeats
        else f
        for f in files
    ]
