"""Which reader reads which file: one module per format, each returning RawDocuments.

`.txt`/`.md` (plain.py) are text, in UTF-8 or the encoding a detector finds, Markdown
read as such; `.html`/`.htm` (html.py) give the article's main
text and the metadata the page declares; `.pdf` (pdf.py) gives its text layer page by page;
`.jsonl` (jsonl.py) holds one document a line, read as a stream. A file that cannot be used
is a SourceError naming it; a bad JSONL line or PDF page goes to the SourcePolicy, which
skips it with a warning or raises, as `sources.on_error` says.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from retrieval.errors import SourceError
from retrieval.ingest.formats.html import read_html
from retrieval.ingest.formats.jsonl import read_jsonl
from retrieval.ingest.formats.pdf import read_pdf
from retrieval.ingest.formats.plain import read_plain
from retrieval.ingest.formats.raw import MAX_BYTES, Identity, RawDocument
from retrieval.ingest.policy import SourcePolicy

__all__ = ["SUPPORTED", "RawDocument", "read_documents"]

SUPPORTED: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl")


def read_documents(
    path: Path,
    name: str,
    policy: SourcePolicy,
    *,
    max_bytes: int = MAX_BYTES,
    identity: Identity | None = None,
) -> Iterator[RawDocument]:
    """Return the documents in one file, read lazily; SourceError when it has no reader.

    A file read whole may hold at most max_bytes; a .jsonl file any number of lines of at
    most max_bytes each. identity: the file as it was found; another file at the path (a
    link swapped in) is a SourceError.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        kind = f"{suffix} files" if suffix else "files without an extension"
        raise SourceError(
            f"{path}: sourcebot cannot read {kind}; supported: {', '.join(SUPPORTED)}"
        )
    if suffix == ".jsonl":
        return read_jsonl(path, name, policy, max_bytes, identity)
    return _one(path, name, policy, max_bytes, identity)


def _one(
    path: Path, name: str, policy: SourcePolicy, max_bytes: int, identity: Identity | None
) -> Iterator[RawDocument]:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        yield read_html(path, name, max_bytes, identity)
    elif suffix == ".pdf":
        yield read_pdf(path, name, policy, max_bytes, identity)
    else:
        yield read_plain(path, name, policy, max_bytes, identity)
