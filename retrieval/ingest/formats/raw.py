"""What every format reader shares: the RawDocument it returns and the safe way to open and
read a file.

A source file is opened once (`open_checked`), and what was opened is checked: a regular
file (a pipe swapped in cannot hang the build: it is opened without blocking), and, given
the identity the file had when it was found (ingest/files.py checked where it is), that same
file, so a link swapped in between cannot make a file outside the folder be read. A file
over `max_bytes` is refused before it is read whole; binary data under a text extension is
recognised by a NUL byte near its start (UTF-16 text has NULs, but a BOM).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from retrieval.errors import SourceError
from retrieval.settings import MAX_FILE_MB, MetaOverride

MAX_BYTES = MAX_FILE_MB << 20
SNIFF_BYTES = 8192  # a NUL byte this near the start means binary data, not text
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-32 LE starts as 16 LE
SURROGATE = re.compile("[\ud800-\udfff]")
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)

Identity = tuple[int, int]  # (device, inode) of a file as it was found


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


def open_checked(path: Path, identity: Identity | None = None) -> BinaryIO:
    """Open a source file for reading; SourceError when it cannot be, when it is not a
    regular file, or when it is not the file that was found (identity)."""
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{path} is not a regular file (a pipe, socket or device): remove it")
        if identity is not None and (info.st_dev, info.st_ino) != identity:
            raise SourceError(
                f"{path} changed since it was found (replaced, or a link swapped in): not read"
            )
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, max_bytes: int, identity: Identity | None = None) -> bytes:
    """Return a file's bytes; SourceError when it cannot be read or is over max_bytes."""
    with open_checked(path, identity) as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise too_big(path, size, max_bytes)
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
