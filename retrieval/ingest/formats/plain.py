"""Plain text sources (.txt, .md): the file's text in UTF-8 or the encoding decoding.py finds
(a warning names it); a .md file read as Markdown (markdown.py)."""

from __future__ import annotations

from pathlib import Path

from retrieval.errors import SourceError
from retrieval.ingest.formats.decoding import Decoded, decode
from retrieval.ingest.formats.markdown import markdown_text
from retrieval.ingest.formats.raw import (
    MAX_BYTES,
    Identity,
    RawDocument,
    is_binary,
    read_bytes,
)
from retrieval.ingest.policy import SourcePolicy


def read_decoded(
    path: Path, max_bytes: int = MAX_BYTES, identity: Identity | None = None
) -> Decoded:
    """Return a file's text and the encoding it was read in; SourceError when it has none."""
    data = read_bytes(path, max_bytes, identity)
    if is_binary(data):
        raise SourceError(
            f"{path} is binary data, not text: remove it, or give it the extension of "
            "its real format"
        )
    decoded = decode(data)
    if decoded is None:
        raise SourceError(
            f"{path} is not text in any encoding sourcebot knows: convert it to UTF-8 or remove it"
        )
    return decoded


def read_text(path: Path, max_bytes: int = MAX_BYTES, identity: Identity | None = None) -> str:
    """Return a file's text (decoding.py); SourceError says which file and why not."""
    return read_decoded(path, max_bytes, identity).text


def read_plain(
    path: Path, name: str, policy: SourcePolicy, max_bytes: int, identity: Identity | None = None
) -> RawDocument:
    """Return a text file as one unpaged document; Markdown syntax is read for .md."""
    decoded = read_decoded(path, max_bytes, identity)
    if decoded.encoding != "utf-8":
        policy.warn(f"{path} is not UTF-8: read as {decoded.encoding}")
    text = markdown_text(decoded.text) if path.suffix.lower() == ".md" else decoded.text
    return RawDocument(name=name, pages=((None, text),))
