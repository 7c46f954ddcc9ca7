"""Plain text sources (.txt, .md): the file's text, decoded as UTF-8."""

from __future__ import annotations

from pathlib import Path

from retrieval.errors import SourceError
from retrieval.ingest.formats.raw import (
    MAX_BYTES,
    Identity,
    RawDocument,
    is_binary,
    read_bytes,
)


def read_text(path: Path, max_bytes: int = MAX_BYTES, identity: Identity | None = None) -> str:
    """Return a file's text, decoded as UTF-8; SourceError says which file and why not."""
    data = read_bytes(path, max_bytes, identity)
    if is_binary(data):
        raise SourceError(
            f"{path} is binary data, not text: remove it, or give it the extension of "
            "its real format"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path} is not UTF-8 text (bad byte at offset {exc.start}): "
            "convert it to UTF-8 or remove it"
        ) from exc


def read_plain(
    path: Path, name: str, max_bytes: int, identity: Identity | None = None
) -> RawDocument:
    """Return a text file as one unpaged document."""
    return RawDocument(name=name, pages=((None, read_text(path, max_bytes, identity)),))
