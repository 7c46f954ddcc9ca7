"""Build or update a saved index from source files, redoing only the files that changed.

Which files changed is for changes.py to say (by stamp, content hash and sources.yaml
entries). Unchanged files' rows are copied from the old index (term ids stay valid: the
vocabulary only grows); new and changed files are read, cleaned and tokenized; removed
files are dropped; a .jsonl file that only grew keeps its old rows, and only the new lines
are read. The BM25 weights depend on the whole corpus, so the engine is always rebuilt
from the forward index, which is array work, not text work. A file that vanishes while the
build runs is left out with a warning (as if removed), not the end of the build.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import IndexLoadError
from retrieval.index.builder import IndexBuilder
from retrieval.index.changes import Hashed, Plan, Stamps, Step, plan, prefetch, settle, stamps
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
from retrieval.ingest.formats.jsonl import JsonlTally, KnownIds, line_chunks
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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # gone since it was found: reading it will say so


PARALLEL_MIN_BYTES = 32 << 20  # below this, starting worker processes costs more than it saves


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
    known_ids: Collection[str] = frozenset(),
    shared: str | None = None,
) -> None:
    """Add a .jsonl file's documents chunk by chunk, as the worker processes would (from
    byte `start`, line `first_line`, no id of `known_ids` again, in `shared` when it is the
    language all its documents before had); SourceError when it has none, or a bad line
    when strict."""
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
        builder.add_chunk(list(sources), origin, shared)
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
    known = KnownIds(old.records.files[lo:hi], step.file.name)
    codes = old.records.language[lo:hi]
    shared = old.records.language_of(lo) if len(codes) and (codes == codes[0]).all() else None
    start, line = step.tail
    with policy.guard():
        add_jsonl(builder, step.file, builder.settings, policy, start, line, known, shared)


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
    index.files = stamps(files, settings)
    return index


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
    # The engine's transpose (scipy.sparse, a third of a second to import) is imported on
    # a thread while the old index loads, which mostly waits on the disk and checksums.
    threading.Thread(target=_import_quietly, args=("scipy.sparse",)).start()
    try:
        manifest = read_manifest(folder)
    except IndexLoadError:
        manifest = None  # damaged: rebuild from scratch
    # Files are hashed on a thread: those that changed while the old index loads, new ones
    # while the build reads them (hashlib lets go of the GIL).
    with ThreadPoolExecutor(1, thread_name_prefix="sha256") as hasher:
        old, old_files, prefetched = _old_index(folder, manifest, files, settings, hasher)
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
            work = plan(files, old, old_files, settings, policy, hasher, prefetched)
            fill(builder, work.steps, settings, policy, old.parts if old else None, progress)
            settle(work)
            return _save(settings, folder, work, old_files, builder, tokenizer, started, policy)
        finally:
            builder.close()
            spill.unlink(missing_ok=True)


def _import_quietly(module: str) -> None:
    """Import a module ahead of its use; a failure is left for the use to report."""
    with contextlib.suppress(ImportError):
        importlib.import_module(module)


def _old_index(
    folder: Path,
    manifest: dict[str, Any] | None,
    files: Sequence[SourceFile],
    settings: RetrievalSettings,
    hasher: ThreadPoolExecutor,
) -> tuple[SearchIndex | None, Stamps, dict[str, Hashed]]:
    """Return the saved index to carry sources over from (None: none usable, build anew),
    its files' stamps, and the hashes of its files that changed, started on `hasher`."""
    if manifest is None or manifest.get("fingerprint") != fingerprint(settings):
        return None, {}, {}
    old_files: Stamps = manifest.get("files", {})
    prefetched = prefetch(files, old_files, settings, hasher)
    try:
        old = load_index(folder, settings)
    except IndexLoadError:
        return None, {}, prefetched  # damaged: rebuild from scratch
    return old, old_files, prefetched


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
            settle(work)
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
    old_files: Stamps,
    policy: SourcePolicy,
    started: float,
) -> IndexReport:
    return IndexReport(
        index=index,
        added=work.added,
        changed=work.changed,
        removed=work.removed(old_files),
        unchanged=work.kept,
        warnings=list(policy.warnings),
        seconds=time.perf_counter() - started,
    )


def _save(
    settings: RetrievalSettings,
    folder: Path,
    work: Plan,
    old_files: Stamps,
    builder: IndexBuilder,
    tokenizer: Tokenizer,
    started: float,
    policy: SourcePolicy,
) -> IndexReport:
    """Make the engine and write the built index as the folder's new version."""
    if not builder.records:
        raise policy.nothing_usable()
    version = new_version(folder)
    # The tables go to disk on a thread while the engine is made: both are mostly C that
    # lets go of the GIL (file writes; numpy), and neither changes what the other reads.
    with ThreadPoolExecutor(1, thread_name_prefix="write-tables") as pool:
        columns = builder.columns()
        tables = pool.submit(write_tables, columns, version, builder.spilled_text())
        parts: IndexParts = builder.finish()
        sums = tables.result()
    built = SearchIndex(parts, tokenizer, settings, policy.warnings)
    save_index(built, folder, work.seen, version=version, tables=sums)
    index = reopen(built, version)
    index.files = work.seen
    return _report(index, work, old_files, policy, started)
