"""Which source files changed since an index was built, and what a build does with each.

A file's stamp is its size, modification time, the lines it shares with its folder (page
copies are cleaned with them) and its sources.yaml entries. A file whose stamp matches is
unchanged; one whose stamp moved but whose content hash and entries are the same is
unchanged too: its rows are kept. A .jsonl file that only grew (its old bytes, as hashed
then, are the start of the new ones and end a line) keeps its rows and has only its new
lines read. Every other file is read anew.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.errors import SourceError
from retrieval.index.search import SearchIndex
from retrieval.ingest.files import SourceFile
from retrieval.ingest.formats.jsonl import count_newlines
from retrieval.ingest.formats.raw import Identity, open_checked
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import RetrievalSettings

Stamps = dict[str, dict[str, Any]]  # each source file's stamp, by its resolved path
Prefix = tuple[str, int, bytes]  # sha256 of a file's first bytes, their newlines, last byte


@dataclass(frozen=True)
class Step:
    """One file's part of a build: read it anew, or carry its sources over unchanged."""

    file: SourceFile
    keep: tuple[int, int] | None = None  # the old index's source rows (first, end) to adopt
    tail: tuple[int, int] | None = None  # then read a grown .jsonl from (byte, line number)


@dataclass
class Plan:
    """What a build does with each file: read it, or keep its old rows; and their stamps."""

    steps: list[Step] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    seen: Stamps = field(default_factory=dict)
    hashes: dict[str, str | Future[str]] = field(default_factory=dict)
    known: frozenset[str] = frozenset()  # the files the old index has sources of

    def removed(self, old_files: Stamps) -> list[str]:
        """Return the names of the old index's files that are gone."""
        return sorted(Path(o).name for o in old_files if o not in self.seen and o in self.known)


def sha256(path: Path, identity: Identity | None = None) -> str:
    """Return a file's sha256 (hex)."""
    return digests(path, identity)[0]


def digests(
    path: Path, identity: Identity | None, prefix: int | None = None
) -> tuple[str, Prefix | None]:
    """Return a file's sha256 and, in the same pass, that of its first `prefix` bytes with
    their newlines and last byte (None when no prefix is asked or the file is shorter)."""
    digest, newlines, last = hashlib.sha256(), 0, b""
    head: Prefix | None = None
    left = -1 if prefix is None else prefix
    with open_checked(path, identity) as handle:  # never blocks on a pipe swapped in
        while chunk := handle.read(1 << 20 if left <= 0 else min(left, 1 << 20)):
            digest.update(chunk)
            if left > 0:
                newlines += count_newlines(chunk)
                last, left = chunk[-1:], left - len(chunk)
                if left == 0:
                    head = (digest.copy().hexdigest(), newlines, last)
    return digest.hexdigest(), head


def meta_digest(settings: RetrievalSettings, name: str) -> str:
    """Return a short fingerprint of the sources.yaml entries of one file (its documents')."""
    entries = sorted(
        (key, repr(value))
        for key, value in settings.sources.metadata.items()
        if key == name or key.startswith(f"{name}#")
    )
    return hashlib.sha256(repr(entries).encode()).hexdigest()[:16]


def stamp_of(file: SourceFile, settings: RetrievalSettings) -> dict[str, Any]:
    """Return a file's stamp: size, modification time, shared lines, metadata (OSError
    when it is gone)."""
    stat = file.path.stat()
    return {
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        # A page copy is cleaned with the lines it shares with its folder: when those
        # change (a file added beside it), it is read again; so is a file whose
        # sources.yaml entry changed (a title given with an upload).
        "repeats": file.repeats_digest,
        "meta": meta_digest(settings, file.name),
    }


def stamps(files: Sequence[SourceFile], settings: RetrievalSettings) -> Stamps:
    """Return each file's stamp as read for a fresh build (no content hash: a later refresh
    reads a file again whenever its stamp moved)."""
    out: Stamps = {}
    for file in files:
        try:
            out[str(file.path.resolve())] = stamp_of(file, settings)
        except OSError:
            continue
    return out


def vanished(policy: SourcePolicy, path: Path, exc: OSError | SourceError) -> None:
    """Leave out a file that went away (or was swapped) during the build, with a warning."""
    if isinstance(exc, SourceError):
        policy.skip(f"{exc}; left out")
    else:
        policy.skip(f"{path}: it vanished during the build ({exc.strerror or exc}); left out")


Hashed = Future[tuple[str, Prefix | None]]


def prefetch(
    files: Sequence[SourceFile],
    old_files: Stamps,
    settings: RetrievalSettings,
    hasher: ThreadPoolExecutor,
) -> dict[str, Hashed]:
    """Start hashing, on `hasher`, each file an old index has whose stamp moved (a grown
    .jsonl with its old bytes): `plan` needs the hashes, and the old index can be loaded
    meanwhile (hashing a large dump takes as long as loading a million passages)."""
    out: dict[str, Hashed] = {}
    for file in files:
        origin = str(file.path.resolve())
        before = old_files.get(origin)
        if before is None:
            continue
        try:
            stamp = stamp_of(file, settings)
        except OSError:
            continue  # gone: plan says so
        if all(before.get(k) == v for k, v in stamp.items()):
            continue
        out[origin] = hasher.submit(digests, file.path, file.identity, _grown(before, stamp))
    return out


def _hashed(
    file: SourceFile, origin: str, grown: int | None, prefetched: Mapping[str, Hashed]
) -> tuple[str, Prefix | None]:
    """Return a file's hash and that of its first `grown` bytes, as prefetched if it was."""
    early = prefetched.get(origin)
    if early is not None:
        try:
            sha, head = early.result()  # of the same first bytes: prefetch asks as plan does
        except (OSError, SourceError):
            pass  # gone or swapped since: hashed again here, which says so
        else:
            return sha, head if grown is not None else None
    return digests(file.path, file.identity, grown)


def plan(
    files: Sequence[SourceFile],
    old: SearchIndex | None,
    old_files: Stamps,
    settings: RetrievalSettings,
    policy: SourcePolicy,
    hasher: ThreadPoolExecutor,
    prefetched: Mapping[str, Hashed] | None = None,
) -> Plan:
    """Return what to do with each file: keep the old rows of a file whose stamp or content
    hash is unchanged (and only read the new lines of a .jsonl that grew), else read it.
    New files are hashed on `hasher` while the build reads them; `prefetched`: hashes
    started earlier (see prefetch)."""
    out = Plan()
    by_origin = old.parts.records.origin_ranges() if old is not None else {}
    out.known = frozenset(by_origin)
    for file in files:
        origin = str(file.path.resolve())
        before = old_files.get(origin)
        try:
            stamp = stamp_of(file, settings)
            unchanged = before is not None and all(before.get(k) == v for k, v in stamp.items())
            sha = before.get("sha256") if unchanged and before else None
            tail = None
            if before is not None and not unchanged:
                grown = _append_only(file, before, stamp, by_origin.get(origin), old)
                sha, head = _hashed(file, origin, grown, prefetched or {})
                unchanged = sha == before.get("sha256") and all(
                    before.get(k) == stamp[k] for k in ("repeats", "meta")
                )
                tail = None if unchanged or grown is None else _tail(before, head)
        except (OSError, SourceError) as exc:
            vanished(policy, file.path, exc)
            continue
        if unchanged and origin in by_origin:
            out.steps.append(Step(file, by_origin[origin]))
            out.kept.append(file.name)
        elif tail is not None:
            out.steps.append(Step(file, by_origin[origin], tail))
            out.changed.append(file.name)
        else:
            out.steps.append(Step(file))
            (out.changed if before is not None else out.added).append(file.name)
        out.seen[origin] = stamp
        out.hashes[origin] = sha or hasher.submit(sha256, file.path, file.identity)
    return out


def settle(work: Plan) -> None:
    """Put each file's content hash into its stamp, once the hashing thread has it."""
    for origin, sha_or_future in work.hashes.items():
        try:
            done = sha_or_future if isinstance(sha_or_future, str) else sha_or_future.result()
        except (OSError, SourceError):
            done = ""  # gone or swapped: no hash, so the next build reads it again
        work.seen[origin]["sha256"] = done


def _append_only(
    file: SourceFile,
    before: dict[str, Any],
    stamp: dict[str, Any],
    rows: tuple[int, int] | None,
    old: SearchIndex | None,
) -> int | None:
    """Return the old size of a .jsonl file that may only have grown (whose old bytes are
    to be checked against the start of the new ones), else None."""
    size = _grown(before, stamp)
    if (
        rows is None
        or old is None
        or file.path.suffix.lower() != ".jsonl"
        or size is None
        or any(before.get(k) != stamp[k] for k in ("repeats", "meta"))
        or not old.records.files[rows[0]].startswith(file.name + "#")
    ):
        return None
    return size


def _grown(before: dict[str, Any], stamp: dict[str, Any]) -> int | None:
    """Return a file's old size when it is now larger (None: not a file that grew)."""
    size = before.get("size")
    return size if isinstance(size, int) and 0 < size < stamp["size"] else None


def _tail(before: dict[str, Any], head: Prefix | None) -> tuple[int, int] | None:
    """Return where a grown file's new lines start (byte, line number): when its old bytes,
    as the saved index read them, are the start of the new ones, ending a line."""
    if head is None or head[0] != before.get("sha256") or head[2] != b"\n":
        return None
    return int(before["size"]), head[1] + 1
