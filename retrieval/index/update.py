"""Build or update a saved index from source files, redoing only the files that changed.

A file whose size and modification time match the saved index is unchanged; one whose
stamp moved but whose content hash is the same is unchanged too. Unchanged files' rows
are copied from the saved index (term ids stay valid: the vocabulary only grows); new and
changed files are read, cleaned and tokenized; removed files are dropped. The BM25
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
from retrieval.index.parallel import Job, ParallelAdder, Progress, jobs, worker_count
from retrieval.index.parts import IndexParts, SourceRecord
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
from retrieval.ingest.documents import file_sources
from retrieval.ingest.files import SourceFile, find_source_files
from retrieval.ingest.folders import with_folder_repeats
from retrieval.ingest.formats import read_documents
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
    digest = hashlib.sha256()
    with open_checked(path, identity) as handle:  # never blocks on a pipe swapped in
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


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
    keep: tuple[SourceRecord, ...] = ()  # non-empty: adopt these from the old index


def add_file(
    builder: IndexBuilder, file: SourceFile, settings: RetrievalSettings, policy: SourcePolicy
) -> None:
    """Read, clean and add every document of one file; a bad file is skipped or raised."""
    origin = str(file.path.resolve())
    first = len(builder.records) + 1
    for source in file_sources(file, settings.sources, settings.cleaning, policy, first):
        builder.add(source, origin=origin)


def _jobs(
    steps: Sequence[Step], settings: RetrievalSettings, policy: SourcePolicy
) -> Iterator[Job | Step]:
    """Turn steps into work for the pool: JSONL files are read here and cut into chunks,
    other files are read by a worker; kept files stay steps, run here in their turn."""
    for step in steps:
        origin = str(step.file.path.resolve())
        if step.keep:
            yield step
        elif step.file.path.suffix.lower() == ".jsonl":
            with policy.guard():
                max_bytes = settings.sources.max_file_mb << 20
                docs = read_documents(
                    step.file.path,
                    step.file.name,
                    policy,
                    max_bytes=max_bytes,
                    identity=step.file.identity,
                )
                yield from jobs((origin, d) for d in docs)
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
    to_read = sum(_size(s.file.path) for s in steps if not s.keep)
    workers = worker_count()
    if workers > 1 and to_read >= PARALLEL_MIN_BYTES:
        adder = ParallelAdder(builder, workers, lambda step: _keep(builder, old, step), policy)
        adder.run(_jobs(steps, settings, policy), progress)
        return
    for done, step in enumerate(steps, start=1):
        if step.keep:
            _keep(builder, old, step)
        else:
            add_file(builder, step.file, settings, policy)
        if progress:
            progress(done, len(steps), builder.passage_count)


def _keep(builder: IndexBuilder, old: IndexParts | None, step: Step) -> None:
    if old is None:  # pragma: no cover - steps with records come from an old index
        raise ValueError("no old index to keep sources from")
    for record in step.keep:
        builder.adopt(old, record)


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
    index = SearchIndex(builder.finish(), tokenizer, settings, policy.warnings)
    index.files = _stamps(files, settings)
    return index


def _stamps(files: Sequence[SourceFile], settings: RetrievalSettings) -> dict[str, dict[str, Any]]:
    """Return each file's stamp as read for a fresh build (no content hash: a later refresh
    reads a file again whenever its stamp moved)."""
    stamps: dict[str, dict[str, Any]] = {}
    for file in files:
        try:
            stamp = _stamp(file.path)
        except OSError:
            continue
        stamp["repeats"] = file.repeats_digest
        stamp["meta"] = meta_digest(settings, file.name)
        stamps[str(file.path.resolve())] = stamp
    return stamps


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


@dataclass
class Plan:
    """What a build does with each file: read it, or keep its old rows; and their stamps."""

    steps: list[Step]
    added: list[str]
    changed: list[str]
    kept: list[str]
    seen: dict[str, dict[str, Any]]
    hashes: dict[str, str | Future[str]]
    known: frozenset[str] = frozenset()  # the files the old index has sources of


def meta_digest(settings: RetrievalSettings, name: str) -> str:
    """Return a short fingerprint of the sources.yaml entries of one file (its documents')."""
    entries = sorted(
        (key, repr(value))
        for key, value in settings.sources.metadata.items()
        if key == name or key.startswith(f"{name}#")
    )
    return hashlib.sha256(repr(entries).encode()).hexdigest()[:16]


def plan(
    files: Sequence[SourceFile],
    old: SearchIndex | None,
    old_files: dict[str, dict[str, Any]],
    settings: RetrievalSettings,
    policy: SourcePolicy,
    hasher: ThreadPoolExecutor,
) -> Plan:
    """Return what to do with each file: keep the old rows of a file whose stamp (size,
    modification time, shared lines, metadata) or content hash is unchanged, else read it."""
    out = Plan([], [], [], [], {}, {})
    by_origin: dict[str, list[SourceRecord]] = {}
    if old is not None:
        for record in old.parts.records:
            by_origin.setdefault(record.origin, []).append(record)
    out.known = frozenset(by_origin)
    for file in files:
        origin = str(file.path.resolve())
        before = old_files.get(origin)
        try:
            stamp = _stamp(file.path)
            # A page copy is cleaned with the lines it shares with its folder: when those
            # change (a file added beside it), it is read again; so is a file whose
            # sources.yaml entry changed (a title given with an upload).
            stamp["repeats"] = file.repeats_digest
            stamp["meta"] = meta_digest(settings, file.name)
            unchanged = before is not None and all(before.get(k) == v for k, v in stamp.items())
            sha = before.get("sha256") if unchanged and before else None
            if before is not None and not unchanged:
                sha = _sha256(file.path, file.identity)
                unchanged = sha == before.get("sha256") and all(
                    before.get(k) == stamp[k] for k in ("repeats", "meta")
                )
        except (OSError, SourceError) as exc:
            _vanished(policy, file.path, exc)
            continue
        if unchanged and origin in by_origin:
            out.steps.append(Step(file, tuple(by_origin[origin])))
            out.kept.append(file.name)
        else:
            out.steps.append(Step(file))
            (out.changed if before is not None else out.added).append(file.name)
        out.seen[origin] = stamp
        out.hashes[origin] = sha or hasher.submit(_sha256, file.path, file.identity)
    return out


def _settle(work: Plan) -> None:
    """Put each file's content hash into its stamp, once the hashing thread has it."""
    for origin, sha_or_future in work.hashes.items():
        try:
            done = sha_or_future if isinstance(sha_or_future, str) else sha_or_future.result()
        except (OSError, SourceError):
            done = ""  # gone or swapped: no hash, so the next build reads it again
        work.seen[origin]["sha256"] = done


def refresh_index(settings: RetrievalSettings, old: SearchIndex) -> IndexReport:
    """Return an in-memory index over the sources as they are now, reading only the files
    that changed since `old` was built (by its `files` stamps); `old` is left as it was."""
    started = time.perf_counter()
    policy = SourcePolicy(settings.sources.on_error)
    files = with_folder_repeats(find_source_files(settings.sources, policy), settings.sources)
    tokenizer = Tokenizer.from_settings(settings.tokenizer)
    vocab = Vocabulary(list(old.vocab.terms), dict(old.vocab.ids), list(old.vocab.surface))
    builder = IndexBuilder(settings, tokenizer, vocab)
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="sha256") as hasher:
            work = plan(files, old, old.files, settings, policy, hasher)
            fill(builder, work.steps, settings, policy, old.parts)
            _settle(work)
        if not builder.records:
            raise policy.nothing_usable()
        index = SearchIndex(builder.finish(), tokenizer, settings, policy.warnings)
    finally:
        builder.close()
    index.files = work.seen
    return _report(index, work, old.files, policy, started)


def _report(
    index: SearchIndex,
    work: Plan,
    old_files: dict[str, dict[str, Any]],
    policy: SourcePolicy,
    started: float,
) -> IndexReport:
    return IndexReport(
        index=index,
        added=work.added,
        changed=work.changed,
        removed=sorted(Path(o).name for o in old_files if o not in work.seen and o in work.known),
        unchanged=work.kept,
        warnings=list(policy.warnings),
        seconds=time.perf_counter() - started,
    )


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
    # New files are hashed on a thread while the build reads them (hashlib lets go of the GIL).
    with ThreadPoolExecutor(1, thread_name_prefix="sha256") as hasher:
        work = plan(files, old, old_files, settings, policy, hasher)
        fill(builder, work.steps, settings, policy, old.parts if old else None, progress)
        _settle(work)
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
    save_index(built, folder, work.seen, version=version, tables=sums)
    index = reopen(built, version)
    index.files = work.seen
    return _report(index, work, old_files, policy, started)
