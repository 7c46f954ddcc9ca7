"""JSON Lines sources (.jsonl): one document a line, read as a stream.

Each line is `{"id" (or "_id"), "text", and optionally "title", "author", "date", "url"}`
and becomes a source named `file.jsonl#id`. A bad line is skipped with a warning naming the
file and line (at most MAX_LINE_WARNINGS of them, then a count), or stops the build when
`sources.on_error` is "error"; a line over `max_bytes` is never held whole.

A dump that only grew (lines appended) can be read from where the saved index left it:
`start` (a byte offset at a line start), `first_line` (its line number) and `known_ids`
(the ids read before, which a new line may not take again: `KnownIds` looks them up in
the saved index's names, so a line added to a million-line dump costs no million-key dict).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import orjson

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
from retrieval.settings import NO_METADATA, MetaOverride

_OPTIONAL_KEYS = ("title", "author", "date", "url")
_NEWLINE = ord("\n")
MAX_LINE_WARNINGS = 20  # then one count of the rest: a broken dump is not 10^6 warnings


CHUNK_BYTES = 4 << 20  # lines read, parsed and cleaned together (a worker's job)
# A reader that only streams documents holds a chunk, its documents and the next chunk:
# smaller chunks keep that to about a megabyte (how they are cut changes no document).
STREAM_CHUNK_BYTES = 256 << 10


class _BadLineError(Exception):
    """What is wrong with one JSONL line; the reader adds the file and line number."""


@dataclass(frozen=True)
class LineChunk:
    """Consecutive lines of a JSONL file as read: one block of bytes (cheap to cut and to
    send to a worker), split into lines only where it is parsed.

    A line longer than max_bytes is None in `lines`; `over_limit` says that one more such
    line followed the block (it was skipped, never held whole).
    """

    first_line: int
    data: bytes
    max_bytes: int
    over_limit: bool = False

    @property
    def lines(self) -> tuple[bytes | None, ...]:
        """Return the chunk's lines (without their line ends), None for one over the limit."""
        parts = self.data.split(b"\n")
        if parts and not parts[-1]:
            parts.pop()  # the block ends with a line end: no line after it
        limit = self.max_bytes
        lines = tuple(line if len(line) <= limit else None for line in parts)
        return (*lines, None) if self.over_limit else lines

    @property
    def line_count(self) -> int:
        """Return how many lines the chunk holds, without splitting it."""
        ends = count_newlines(self.data)
        unended = bool(self.data) and not self.data.endswith(b"\n")
        return ends + unended + self.over_limit


def count_newlines(data: bytes) -> int:
    """Return how many line ends data holds (numpy: twice as fast as bytes.count, and off
    the GIL, so a worker can go on meanwhile)."""
    return int(np.count_nonzero(np.frombuffer(data, np.uint8) == _NEWLINE))


@dataclass(frozen=True)
class ParsedChunk:
    """A chunk's documents, the id and line of each, and its bad lines (line, problem)."""

    documents: tuple[RawDocument, ...]
    ids: tuple[str, ...]
    lines: tuple[int, ...]
    bad: tuple[tuple[int, str], ...]


def line_chunks(
    path: Path,
    max_bytes: int,
    *,
    start: int = 0,
    first_line: int = 1,
    identity: Identity | None = None,
    chunk_bytes: int | None = None,
) -> Iterator[LineChunk]:
    """Yield a JSONL file's lines, chunk_bytes (default CHUNK_BYTES) at a time; SourceError
    when it is binary, cannot be read or is not the file found (identity). From byte
    `start` (line `first_line`) on, when given."""
    limit = CHUNK_BYTES if chunk_bytes is None else chunk_bytes
    try:
        with open_checked(path, identity) as handle:
            if is_binary(handle.read(SNIFF_BYTES)):
                raise SourceError(
                    f"{path} is binary data, not JSON Lines: remove it, or give it the "
                    "extension of its real format"
                )
            handle.seek(start)
            number = first_line
            while block := handle.read(limit):
                chunk = _whole_lines(handle, block, number, max_bytes)
                yield chunk
                number += chunk.line_count
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc


def parse_chunk(
    chunk: LineChunk,
    path: Path,
    name: str,
    max_bytes: int,
    *,
    strict: bool = False,
    known: Mapping[str, int] | None = None,
) -> ParsedChunk:
    """Return the documents of a chunk; an id of `known` (id -> its line, 0: before) or
    of an earlier line of the chunk makes a bad line. strict: SourceError at the first."""
    seen: dict[str, int] = {}
    documents: list[RawDocument] = []
    bad: list[tuple[int, str]] = []
    for lineno, line in enumerate(chunk.lines, start=chunk.first_line):
        if line is not None and not line.strip():
            continue
        try:
            if line is None:
                raise _BadLineError(
                    f"longer than sources.max_file_mb ({max_bytes / (1 << 20):,.0f} "
                    "MB): split the document, or raise the limit"
                )
            doc_id, text, meta = _jsonl_record(line)
            before = seen.get(doc_id, known.get(doc_id) if known is not None else None)
            if before is not None:
                where = f"on line {before}" if before else "before"
                raise _BadLineError(f"id {doc_id!r} already used {where}")
        except _BadLineError as problem:
            if strict:
                raise SourceError(f"{_line_problem(path, lineno, problem)}{_FIX}") from None
            bad.append((lineno, str(problem)))
            continue
        seen[doc_id] = lineno
        documents.append(RawDocument(name=f"{name}#{doc_id}", pages=((None, text),), meta=meta))
    return ParsedChunk(tuple(documents), tuple(seen), tuple(seen.values()), tuple(bad))


_FIX = "; fix the line, or set sources.on_error to skip"


def _line_problem(path: Path, lineno: int, problem: object) -> str:
    return f"{path}, line {lineno}: {problem}"


# Ids looked up one by one in the saved names before they are made a set: a scan of a
# million names takes about 20 ms, making the set of them about half a second.
SCANNED_LOOKUPS = 16


class KnownIds(Collection[str]):
    """The ids of a .jsonl file's documents in a saved index, from their names
    ("<file name>#<id>"): looked up in the names themselves for the first few new lines,
    then in a set made once (a dump that grew by a line is not a million-key set)."""

    def __init__(self, names: Sequence[str], file_name: str) -> None:
        self._names = names
        self._prefix = f"{file_name}#"
        self._lookups = 0
        self._ids: frozenset[str] | None = None

    def _as_set(self) -> frozenset[str]:
        if self._ids is None:
            cut = len(self._prefix)
            self._ids = frozenset(name[cut:] for name in self._names)
        return self._ids

    def __contains__(self, doc_id: object) -> bool:
        if not isinstance(doc_id, str):
            return False
        if self._ids is None and self._lookups < SCANNED_LOOKUPS:
            self._lookups += 1
            return f"{self._prefix}{doc_id}" in self._names
        return doc_id in self._as_set()

    def __iter__(self) -> Iterator[str]:
        return iter(self._as_set())

    def __len__(self) -> int:
        return len(self._names)


class IdsSoFar(Mapping[str, int]):
    """The ids a JSONL file's lines took so far, each with its line (0: a line read before,
    in the saved index)."""

    def __init__(self, seen: Mapping[str, int], known: Collection[str]) -> None:
        self._seen = seen
        self._known = known

    def __getitem__(self, doc_id: str) -> int:
        found = self._seen.get(doc_id)
        if found is not None:
            return found
        if doc_id in self._known:
            return 0
        raise KeyError(doc_id)

    def __iter__(self) -> Iterator[str]:
        yield from self._seen
        yield from (i for i in self._known if i not in self._seen)

    def __len__(self) -> int:
        return len(self._seen) + sum(i not in self._seen for i in self._known)


class JsonlTally:
    """One JSONL file's chunks, taken in order: the ids used so far, and its bad lines
    (the first MAX_LINE_WARNINGS warned about one by one, then a count)."""

    def __init__(
        self, path: Path, policy: SourcePolicy, known_ids: Collection[str] = frozenset()
    ) -> None:
        self.path = path
        self.policy = policy
        self._new: dict[str, int] = {}  # the ids of the lines read now, with their lines
        self._known = known_ids  # those read before, by an earlier build
        self.seen: Mapping[str, int] = IdsSoFar(self._new, known_ids) if known_ids else self._new
        self.skipped = 0
        self.documents = 0

    def reuses_ids(self, parsed: ParsedChunk) -> bool:
        """Say whether a chunk parsed on its own takes an id an earlier chunk took."""
        if not self._new.keys().isdisjoint(parsed.ids):
            return True
        return bool(self._known) and any(i in self._known for i in parsed.ids)

    def accept(self, parsed: ParsedChunk) -> None:
        """Count a chunk's documents and ids in, and warn about its bad lines."""
        for lineno, problem in parsed.bad:
            self.skipped += 1
            if self.policy.strict or self.skipped <= MAX_LINE_WARNINGS:
                self.policy.skip_part(_line_problem(self.path, lineno, problem), "line", fix=_FIX)
        self._new.update(zip(parsed.ids, parsed.lines, strict=True))
        self.documents += len(parsed.ids)  # a worker's chunk comes back without documents

    def finish(self) -> None:
        """Warn how many more bad lines were skipped; SourceError when none was usable."""
        if self.skipped > MAX_LINE_WARNINGS and self.documents:
            self.policy.warn(
                f"{self.path}: {self.skipped - MAX_LINE_WARNINGS:,} more bad lines skipped"
            )
        if not self.documents:
            raise SourceError(
                f"{self.path}: no usable documents ({self.skipped} bad lines skipped); write "
                'one JSON object a line, each with an "id" and a "text"'
            )


def read_jsonl(
    path: Path,
    name: str,
    policy: SourcePolicy,
    max_bytes: int,
    identity: Identity | None = None,
    *,
    start: int = 0,
    first_line: int = 1,
    known_ids: Collection[str] = frozenset(),
) -> Iterator[RawDocument]:
    """Yield the documents of a JSONL file, lazily; SourceError when it holds none.

    From byte `start` (line `first_line`) on, when given, no id of `known_ids` taken again.
    identity: the file as it was found (another file at the path is an error).
    """
    tally = JsonlTally(path, policy, known_ids)
    chunks = line_chunks(
        path,
        max_bytes,
        start=start,
        first_line=first_line,
        identity=identity,
        chunk_bytes=STREAM_CHUNK_BYTES,
    )
    for chunk in chunks:
        parsed = parse_chunk(chunk, path, name, max_bytes, known=tally.seen)
        if parsed.bad and policy.strict:  # the lines before the first bad one still load
            first_bad = parsed.bad[0][0]
            pairs = zip(parsed.documents, parsed.lines, strict=True)
            yield from (doc for doc, line in pairs if line < first_bad)
        tally.accept(parsed)  # strict: SourceError at the first bad line
        yield from parsed.documents
    tally.finish()


def _whole_lines(handle: BinaryIO, block: bytes, number: int, max_bytes: int) -> LineChunk:
    """Return a block read from handle as a chunk of whole lines: the line it cuts is read
    to its end, or skipped when longer than max_bytes (never held whole)."""
    if block.endswith(b"\n"):
        return LineChunk(number, block, max_bytes)
    cut = block.rfind(b"\n") + 1
    line = block[cut:]
    if len(line) <= max_bytes:
        line += handle.readline(max_bytes + 1 - len(line))
    if len(line) <= max_bytes or line.endswith(b"\n"):
        return LineChunk(number, block[:cut] + line, max_bytes)
    while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
        pass  # skip the rest of the long line a megabyte at a time
    return LineChunk(number, block[:cut], max_bytes, over_limit=True)


def _parsed(line: bytes) -> object:
    """Return a line's JSON value: orjson's, several times faster, where it takes the line;
    else the standard library's, which takes what orjson refuses (a byte-order mark, NaN,
    lone surrogate escapes) and says what is wrong with the rest. orjson reads an integer
    past 64 bits as a float: a line with a float is read again, for the integer."""
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line.decode("utf-8-sig"))
    if isinstance(value, dict) and any(type(v) is float for v in value.values()):
        return json.loads(line.decode("utf-8-sig"))
    return value


def _jsonl_record(line: bytes) -> tuple[str, str, MetaOverride]:
    try:
        record = _parsed(line)
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
    if not any(fields.values()):  # most dump lines: one shared "nothing found"
        return doc_id, text, NO_METADATA
    return doc_id, text, MetaOverride(**fields)
