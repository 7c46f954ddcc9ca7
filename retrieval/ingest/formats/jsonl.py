"""JSON Lines sources (.jsonl): one document a line, read as a stream.

Each line is `{"id" (or "_id"), "text", and optionally "title", "author", "date", "url"}`
and becomes a source named `file.jsonl#id`. A bad line is skipped with a warning naming the
file and line (at most MAX_LINE_WARNINGS of them, then a count), or stops the build when
`sources.on_error` is "error"; a line over `max_bytes` is never held whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from retrieval.errors import SourceError
from retrieval.ingest.formats.raw import (
    SNIFF_BYTES,
    SURROGATE,
    Identity,
    RawDocument,
    is_binary,
    nonblank,
    open_checked,
)
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import MetaOverride

_OPTIONAL_KEYS = ("title", "author", "date", "url")
MAX_LINE_WARNINGS = 20  # then one count of the rest: a broken dump is not 10^6 warnings


class _BadLineError(Exception):
    """What is wrong with one JSONL line; the reader adds the file and line number."""


def read_jsonl(
    path: Path, name: str, policy: SourcePolicy, max_bytes: int, identity: Identity | None = None
) -> Iterator[RawDocument]:
    """Yield the documents of a JSONL file, lazily; SourceError when it holds none."""
    first_line: dict[str, int] = {}
    skipped = 0
    try:
        with open_checked(path, identity) as handle:
            if is_binary(handle.read(SNIFF_BYTES)):
                raise SourceError(
                    f"{path} is binary data, not JSON Lines: remove it, or give it the "
                    "extension of its real format"
                )
            handle.seek(0)
            for lineno, line in enumerate(_jsonl_lines(handle, max_bytes), start=1):
                if line is not None and not line.strip():
                    continue
                try:
                    if line is None:
                        raise _BadLineError(
                            f"longer than sources.max_file_mb ({max_bytes / (1 << 20):,.0f} "
                            "MB): split the document, or raise the limit"
                        )
                    doc_id, text, meta = _jsonl_record(line)
                    if doc_id in first_line:
                        raise _BadLineError(
                            f"id {doc_id!r} already used on line {first_line[doc_id]}"
                        )
                except _BadLineError as bad:
                    skipped += 1
                    if policy.strict or skipped <= MAX_LINE_WARNINGS:
                        policy.skip_part(
                            f"{path}, line {lineno}: {bad}",
                            "line",
                            fix="; fix the line, or set sources.on_error to skip",
                        )
                    continue
                first_line[doc_id] = lineno
                yield RawDocument(name=f"{name}#{doc_id}", pages=((None, text),), meta=meta)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if skipped > MAX_LINE_WARNINGS and first_line:
        policy.warn(f"{path}: {skipped - MAX_LINE_WARNINGS:,} more bad lines skipped")
    if not first_line:
        raise SourceError(
            f"{path}: no usable documents ({skipped} bad lines skipped); write one JSON "
            'object a line, each with an "id" and a "text"'
        )


def _jsonl_lines(handle: BinaryIO, max_bytes: int) -> Iterator[bytes | None]:
    """Yield each line of a file, or None for one longer than max_bytes (never held whole)."""
    while line := handle.readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass  # skip the rest of the long line a megabyte at a time
        yield None


def _jsonl_record(line: bytes) -> tuple[str, str, MetaOverride]:
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _BadLineError(f"not UTF-8 (bad byte at column {exc.start + 1})") from None
    except json.JSONDecodeError as exc:
        raise _BadLineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise _BadLineError("not usable JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. a number of more than 4,300 digits
        raise _BadLineError(f"not usable JSON ({exc})") from None
    if not isinstance(record, dict):
        raise _BadLineError(f"expected a JSON object, got {type(record).__name__}")
    doc_id = record.get("id", record.get("_id"))
    if doc_id is None:
        raise _BadLineError('no "id" (or "_id")')
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        raise _BadLineError(f'"id" must be a string or a whole number, got {type(doc_id).__name__}')
    doc_id = str(doc_id).strip()
    if not doc_id:
        raise _BadLineError('"id" is empty')
    if SURROGATE.search(doc_id):
        raise _BadLineError('"id" is not valid Unicode (it holds a lone surrogate escape)')
    text = record.get("text")
    if text is None:
        raise _BadLineError('no "text"')
    if not isinstance(text, str):
        raise _BadLineError(f'"text" must be a string, got {type(text).__name__}')
    if not text.strip():
        raise _BadLineError('"text" is empty')
    fields: dict[str, str | None] = {}
    for key in _OPTIONAL_KEYS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise _BadLineError(f'"{key}" must be a string, got {type(value).__name__}')
        fields[key] = nonblank(value)
    return doc_id, text, MetaOverride(**fields)
