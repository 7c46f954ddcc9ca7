"""What every format reader shares: the RawDocument it returns and the safe way to read bytes.

A file over `max_bytes` is refused before it is read whole; binary data under a text
extension is recognised by a NUL byte near its start (UTF-16 text has NULs, but a BOM).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import SourceError
from retrieval.settings import MAX_FILE_MB, MetaOverride

MAX_BYTES = MAX_FILE_MB << 20
SNIFF_BYTES = 8192  # a NUL byte this near the start means binary data, not text
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-32 LE starts as 16 LE
SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class RawDocument:
    """One document as its file gives it: raw text by page, and the metadata found in it."""

    name: str  # file name relative to its folder, or "corpus.jsonl#42" for a JSONL line
    pages: tuple[tuple[int | None, str], ...]  # (page number, or None when unpaged; text)
    meta: MetaOverride = field(default_factory=MetaOverride)  # None fields: not found
    # What the text is: "page" (a page copy, a .md, a JSONL text: furniture is looked for)
    # or "article" (trafilatura's or the PDF layout's output: the article already).
    kind: str = "page"


def too_big(path: Path, size: int, max_bytes: int) -> SourceError:
    """Return the error for a file (or line) over sources.max_file_mb."""
    return SourceError(
        f"{path} is {size / (1 << 20):,.0f} MB, over sources.max_file_mb "
        f"({max_bytes / (1 << 20):,.0f} MB): split it into smaller files, or raise the limit"
    )


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Return a file's bytes; SourceError when it cannot be read or is over max_bytes."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise too_big(path, size, max_bytes)
        with path.open("rb") as handle:
            # read(n) sets n bytes aside first: ask for the size, not the limit.
            data = handle.read(size + 1)
            if len(data) > size:  # it grew since the stat: read on, up to the limit
                data += handle.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise too_big(path, len(data), max_bytes)
    return data


def is_binary(head: bytes) -> bool:
    """Say whether the start of a file is binary data (UTF-16 text has NULs, but a BOM)."""
    return b"\x00" in head[:SNIFF_BYTES] and not head.startswith(_UTF16_BOMS)


def nonblank(value: object) -> str | None:
    """Return a metadata value as stripped text, or None when it is not text or blank."""
    return (value.strip() or None) if isinstance(value, str) else None
