"""Build or update a saved index from source files, redoing only the files that changed.

A file whose size and modification time match the saved index is unchanged; one whose
stamp moved but whose content hash is the same is unchanged too. Unchanged files' rows
are copied from the saved index (term ids stay valid: the vocabulary only grows); new and
changed files are read, cleaned and tokenized; removed files are dropped. A .jsonl file
that only grew (its old bytes are the start of the new ones: lines appended to a dump)
keeps its old rows, and only the new lines are read. The BM25
weights depend on the whole corpus, so the engine is always rebuilt from the forward
index, which is array work, not text work. A file that vanishes while the build runs is
left out with a warning (as if removed), not the end of the build.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import IndexLoadError, SourceError
from retrieval.index.builder import IndexBuilder
from retrieval.index.parallel import (
    Job,
    JsonlDone,
    ParallelAdder,
    Progress,
    parse_lines,
    worker_count,
)
from retrieval.index.parts import IndexParts
from retrieval.index.search import SearchIndex
from retrieval.index.storage import (
    fingerprint,
    load_index,
    new_version,
    read_manifest,
    reopen,
    save_index,
    write_tables,
)
from retrieval.index.vocabulary import Vocabulary
from retrieval.ingest.documents import cleaned, file_sources
from retrieval.ingest.files import SourceFile, find_source_files
from retrieval.ingest.folders import with_folder_repeats
from retrieval.ingest.formats.jsonl import JsonlTally, line_chunks
from retrieval.ingest.formats.raw import Identity, open_checked
from retrieval.ingest.policy import SourcePolicy
from retrieval.model import Source
from retrieval.settings import RetrievalSettings
from retrieval.text.tokenize import Tokenizer


@dataclass(frozen=True)
class IndexReport:
    """What an indexing run did."""

    index: SearchIndex
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: list[str]
    warnings: list[str]
    seconds: float


def _sha256(path: Path, identity: Identity | None = None) -> str:
    return _digests(path, identity)[0]


Prefix = tuple[str, int, bytes]  # sha256 of a file's first bytes, their newlines, last byte


def _digests(
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
                newlines += chunk.count(b"\n")
                last, left = chunk[-1:], left - len(chunk)
                if left == 0:
                    head = (digest.copy().hexdigest(), newlines, last)
    return digest.hexdigest(), head


def _stamp(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # gone since it was found: reading it will say so


def _vanished(policy: SourcePolicy, path: Path, exc: OSError | SourceError) -> None:
    if isinstance(exc, SourceError):
        policy.skip(f"{exc}; left out")
    else:
        policy.skip(f"{path}: it vanished during the build ({exc.strerror or exc}); left out")


PARALLEL_MIN_BYTES = 32 << 20  # below this, starting worker processes costs more than it saves


@dataclass(frozen=True)
class Step:
    """One file's part of a build: read it anew, or carry its sources over unchanged."""

    file: SourceFile
    keep: tuple[int, int] | None = None  # the old index's source rows (first, end) to adopt
    tail: tuple[int, int] | None = None  # then read a grown .jsonl from (byte, line number)


def add_file(
    builder: IndexBuilder, file: SourceFile, settings: RetrievalSettings, policy: SourcePolicy
) -> None:
    """Read, clean and add every document of one file; a bad file is skipped or raised.

    A .jsonl file goes in the same chunks as in worker processes (its documents' languages
    are settled a chunk at a time), so a build is the same on any number of cores.
    """
    origin = str(file.path.resolve())
    if file.path.suffix.lower() != ".jsonl":
        first = len(builder.records) + 1
        sources = file_sources(file, settings.sources, settings.cleaning, policy, first)
        builder.add_chunk(list(sources), origin)
        return
    with policy.guard():
        add_jsonl(builder, file, settings, policy)


def add_jsonl(
    builder: IndexBuilder,
    file: SourceFile,
    settings: RetrievalSettings,
    policy: SourcePolicy,
    start: int = 0,
    first_line: int = 1,
    known_ids: Iterable[str] = (),
) -> None:
    """Add a .jsonl file's documents chunk by chunk, as the worker processes would (from
    byte `start`, line `first_line`, no id of `known_ids` again); SourceError when it has
    none, or a bad line when strict."""
    origin = str(file.path.resolve())
    tally = JsonlTally(file.path, policy, known_ids)
    max_bytes = settings.sources.max_file_mb << 20
    chunks = line_chunks(
        file.path, max_bytes, start=start, first_line=first_line, identity=file.identity
    )
    for chunk in chunks:
        job = Job(origin, lines=chunk, name=file.name)
        parsed = parse_lines(job, settings, tally.seen)
        tally.accept(parsed)
        sources = cleaned(parsed.documents, settings.sources, settings.cleaning, policy)
        builder.add_chunk(list(sources), origin)
    tally.finish()


def _jobs(
    steps: Sequence[Step], settings: RetrievalSettings, policy: SourcePolicy
) -> Iterator[Job | JsonlDone | Step]:
    """Turn steps into work for the pool: a .jsonl file is cut here into chunks of lines,
    other files are read by a worker; kept files stay steps, run here in their turn."""
    max_bytes = settings.sources.max_file_mb << 20
    for step in steps:
        origin = str(step.file.path.resolve())
        if step.keep is not None:
            yield step
        elif step.file.path.suffix.lower() == ".jsonl":
            with policy.guard():
                chunks = line_chunks(step.file.path, max_bytes, identity=step.file.identity)
                for chunk in chunks:
                    yield Job(origin, lines=chunk, name=step.file.name)
                yield JsonlDone(origin)
        else:
            yield Job(origin, file=step.file)


def fill(
    builder: IndexBuilder,
    steps: Sequence[Step],
    settings: RetrievalSettings,
    policy: SourcePolicy,
    old: IndexParts | None = None,
    progress: Progress | None = None,
) -> None:
    """Add every step's sources to the builder, in order; warnings go to the policy."""
    to_read = sum(_size(s.file.path) for s in steps if s.keep is None)
    workers = worker_count()
    if workers > 1 and to_read >= PARALLEL_MIN_BYTES:
        adder = ParallelAdder(
            builder, workers, lambda step: _keep(builder, old, step, policy), policy
        )
        adder.run(_jobs(steps, settings, policy), progress)
        return
    for done, step in enumerate(steps, start=1):
        if step.keep is not None:
            _keep(builder, old, step, policy)
        else:
            add_file(builder, step.file, settings, policy)
        if progress:
            progress(done, len(steps), builder.passage_count)


def _keep(builder: IndexBuilder, old: IndexParts | None, step: Step, policy: SourcePolicy) -> None:
    if old is None or step.keep is None:  # pragma: no cover - kept steps have an old index
        raise ValueError("no old index to keep sources from")
    builder.adopt(old, *step.keep)
    if step.tail is None:
        return
    lo, hi = step.keep
    cut = len(step.file.name) + 1  # a .jsonl document's name: "<file name>#<id>"
    known = (name[cut:] for name in old.records.files[lo:hi])
    start, line = step.tail
    with policy.guard():
        add_jsonl(builder, step.file, builder.settings, policy, start, line, known)


def _append_only(
    file: SourceFile,
    before: dict[str, Any],
    stamp: dict[str, Any],
    rows: tuple[int, int] | None,
    old: SearchIndex | None,
) -> int | None:
    """Return the old size of a .jsonl file that may only have grown (whose old bytes are
    to be checked against the start of the new ones), else None."""
    size = before.get("size")
    if (
        rows is None
        or old is None
        or file.path.suffix.lower() != ".jsonl"
        or not isinstance(size, int)
        or not 0 < size < stamp["size"]
        or before.get("repeats") != stamp["repeats"]
        or not old.records.files[rows[0]].startswith(file.name + "#")
    ):
        return None
    return size


def _tail(before: dict[str, Any], head: Prefix | None) -> tuple[int, int] | None:
    """Return where a grown file's new lines start (byte, line number): when its old bytes,
    as the saved index read them, are the start of the new ones, ending a line."""
    if head is None or head[0] != before.get("sha256") or head[2] != b"\n":
        return None
    return int(before["size"]), head[1] + 1


def build_index(
    settings: RetrievalSettings,
    paths: Sequence[Path] | None = None,
    progress: Progress | None = None,
) -> SearchIndex:
    """Return a fresh in-memory index over the given (or configured) sources."""
    policy = SourcePolicy(settings.sources.on_error)
    files = with_folder_repeats(
        find_source_files(settings.sources, policy, paths), settings.sources
    )
    tokenizer = Tokenizer.from_settings(settings.tokenizer)
    builder = IndexBuilder(settings, tokenizer)
    fill(builder, [Step(f) for f in files], settings, policy, progress=progress)
    if not builder.records:
        raise policy.nothing_usable()
    return SearchIndex(builder.finish(), tokenizer, settings, policy.warnings)


def index_sources(settings: RetrievalSettings, sources: Iterable[Source]) -> SearchIndex:
    """Return an in-memory index over sources already read and cleaned (an evaluation set)."""
    tokenizer = Tokenizer.from_settings(settings.tokenizer)
    builder = IndexBuilder(settings, tokenizer)
    for source in sources:
        builder.add(source, origin=source.file)
    return SearchIndex(builder.finish(), tokenizer, settings)


def update_index(
    settings: RetrievalSettings,
    folder: Path,
    paths: Sequence[Path] | None = None,
    progress: Progress | None = None,
) -> IndexReport:
    """Bring the saved index in folder up to date with the sources; return what changed."""
    started = time.perf_counter()
    policy = SourcePolicy(settings.sources.on_error)
    files = with_folder_repeats(
        find_source_files(settings.sources, policy, paths), settings.sources
    )
    old: SearchIndex | None = None
    try:
        manifest = read_manifest(folder)
    except IndexLoadError:
        manifest = None  # damaged: rebuild from scratch
    if manifest is not None and manifest.get("fingerprint") == fingerprint(settings):
        try:
            old = load_index(folder, settings)
        except IndexLoadError:
            old = None  # damaged: rebuild from scratch
    old_files: dict[str, dict[str, Any]] = (manifest or {}).get("files", {}) if old else {}
    tokenizer = Tokenizer.from_settings(settings.tokenizer)
    vocab = (
        Vocabulary(list(old.vocab.terms), dict(old.vocab.ids), list(old.vocab.surface))
        if old
        else None
    )
    folder.mkdir(parents=True, exist_ok=True)
    spill = folder / f"build-{os.getpid()}.text"
    builder = IndexBuilder(settings, tokenizer, vocab, spill=spill)
    try:
        return _update(
            settings,
            folder,
            files,
            old,
            old_files,
            builder,
            tokenizer,
            progress,
            started,
            policy,
        )
    finally:
        builder.close()
        spill.unlink(missing_ok=True)


def _update(
    settings: RetrievalSettings,
    folder: Path,
    files: Sequence[SourceFile],
    old: SearchIndex | None,
    old_files: dict[str, dict[str, Any]],
    builder: IndexBuilder,
    tokenizer: Tokenizer,
    progress: Progress | None,
    started: float,
    policy: SourcePolicy,
) -> IndexReport:
    added: list[str] = []
    changed: list[str] = []
    kept: list[str] = []
    by_origin = old.parts.records.origin_ranges() if old is not None else {}
    seen: dict[str, dict[str, Any]] = {}
    steps: list[Step] = []
    hashes: dict[str, str | Future[str]] = {}
    # New files are hashed on a thread while the build reads them (hashlib lets go of the GIL).
    with ThreadPoolExecutor(1, thread_name_prefix="sha256") as hasher:
        for file in files:
            origin = str(file.path.resolve())
            before = old_files.get(origin)
            try:
                stamp = _stamp(file.path)
                # A page copy is cleaned with the lines it shares with its folder: when those
                # change (a file added beside it), it is read again.
                stamp["repeats"] = file.repeats_digest
                unchanged = before is not None and all(before.get(k) == v for k, v in stamp.items())
                sha = before.get("sha256") if unchanged and before else None
                tail = None
                if before is not None and not unchanged:
                    grown = _append_only(file, before, stamp, by_origin.get(origin), old)
                    sha, head = _digests(file.path, file.identity, grown)
                    unchanged = (
                        sha == before.get("sha256") and before.get("repeats") == stamp["repeats"]
                    )
                    tail = None if unchanged or grown is None else _tail(before, head)
            except (OSError, SourceError) as exc:
                _vanished(policy, file.path, exc)
                continue
            if unchanged and origin in by_origin:
                steps.append(Step(file, by_origin[origin]))
                kept.append(file.name)
            elif tail is not None:
                steps.append(Step(file, by_origin[origin], tail))
                changed.append(file.name)
            else:
                steps.append(Step(file))
                (changed if before is not None else added).append(file.name)
            seen[origin] = stamp
            hashes[origin] = sha or hasher.submit(_sha256, file.path, file.identity)
        fill(builder, steps, settings, policy, old.parts if old else None, progress)
        for origin, sha_or_future in hashes.items():
            try:
                done = sha_or_future if isinstance(sha_or_future, str) else sha_or_future.result()
            except (OSError, SourceError):
                done = ""  # gone or swapped: no hash, so the next build reads it again
            seen[origin]["sha256"] = done
    removed = sorted(Path(o).name for o in old_files if o not in seen and o in by_origin)
    if not builder.records:
        raise policy.nothing_usable()
    version = new_version(folder)
    # The tables go to disk on a thread while the engine is made: both are mostly C that
    # lets go of the GIL (file writes; numpy), and neither changes what the other reads.
    with ThreadPoolExecutor(1, thread_name_prefix="write-tables") as pool:
        tables = pool.submit(write_tables, builder.columns(), version)
        parts: IndexParts = builder.finish()
        sums = tables.result()
    built = SearchIndex(parts, tokenizer, settings, policy.warnings)
    save_index(built, folder, seen, version=version, tables=sums)
    return IndexReport(
        index=reopen(built, version),
        added=added,
        changed=changed,
        removed=removed,
        unchanged=kept,
        warnings=list(policy.warnings),
        seconds=time.perf_counter() - started,
    )
