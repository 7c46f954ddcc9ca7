"""Clean and tokenize documents in worker processes, merged in order into one builder.

Large builds are text work in Python: two worker processes double it on this machine's two
cores. A .jsonl dump goes to them as raw lines, a chunk at a time (the main process only
cuts the file at line ends): the workers parse, clean and tokenize, and the main process
checks that no chunk reuses an id of an earlier one (a chunk that does is parsed again
here, against every id before it). Each worker keeps its own vocabulary; a chunk of
documents comes back as flat columns with the worker's term ids plus the terms it met for
the first time, and the main process maps those ids onto the shared vocabulary with one
numpy lookup. Chunks are merged in the order they were sent, so sources keep their numbers
and a build is deterministic.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.index.builder import IndexBuilder
from retrieval.index.parts import Columns
from retrieval.index.term_counts import TermCounter
from retrieval.index.vocabulary import Vocabulary
from retrieval.ingest.documents import cleaned, file_sources
from retrieval.ingest.files import SourceFile
from retrieval.ingest.formats import RawDocument
from retrieval.ingest.formats.jsonl import JsonlTally, LineChunk, ParsedChunk, parse_chunk
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import RetrievalSettings
from retrieval.text.tokenize import Tokenizer

Progress = Callable[[int, int, int], None]  # jobs done, jobs known, passages so far
IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class Job:
    """Documents to clean and tokenize, all from one file: lines of a .jsonl file to parse
    (jsonl.CHUNK_BYTES of them), or a file the worker reads."""

    origin: str
    file: SourceFile | None = None  # read by the worker when given
    lines: LineChunk | None = None  # parsed by the worker when given
    name: str = ""  # the .jsonl file's name (its documents are "<name>#<id>")


@dataclass(frozen=True)
class JsonlDone:
    """The last chunk of a .jsonl file has been sent: its bad lines are counted."""

    origin: str


@dataclass(frozen=True)
class ChunkResult:
    """A job's rows, in the worker's term ids, and the terms the worker added for it."""

    worker: int
    columns: Columns
    new_terms: tuple[str, ...]
    new_surface: tuple[str, ...]
    warnings: tuple[str, ...]
    parsed: ParsedChunk | None = None  # a .jsonl chunk's ids, lines and bad lines


@dataclass(frozen=True)
class _WorkerState:
    settings: RetrievalSettings
    counter: TermCounter  # its vocabulary is the worker's, kept across its chunks


_WORKER: list[_WorkerState] = []  # this worker process's state, set by the initializer


def _start_worker(settings: RetrievalSettings) -> None:
    _WORKER[:] = [
        _WorkerState(
            settings, TermCounter(Tokenizer.from_settings(settings.tokenizer), Vocabulary.empty())
        )
    ]


def _run_job(job: Job) -> ChunkResult:
    if job.lines is None:
        return _job_result(job)
    # A chunk of .jsonl lines makes about ten objects a document (its raw text, source,
    # metadata, paragraph) that all live until the job ends: the collector's passes over
    # them while it runs free nothing and cost a tenth of the build. One pass after it
    # frees what the job left in cycles. (A file's job keeps the collector: a PDF's parser
    # makes cycles as it goes.)
    gc.disable()
    try:
        return _job_result(job)
    finally:
        gc.enable()
        gc.collect(0)  # the young objects: all the job made


def _job_result(job: Job) -> ChunkResult:
    if not _WORKER:
        raise RuntimeError("worker started without _start_worker")
    state = _WORKER[0]
    settings, counter = state.settings, state.counter
    vocab = counter.vocab
    known = len(vocab.terms)
    builder = IndexBuilder(settings, counter.tokenizer, vocab, counter)
    # This worker's warnings go back with its chunk; the main process's policy logs them.
    policy = SourcePolicy(settings.sources.on_error, echo=False)
    parsed = None
    documents: tuple[RawDocument, ...] = ()
    if job.lines is not None:
        parsed = parse_lines(job, settings)
        documents, parsed = parsed.documents, replace(parsed, documents=())
    if job.file is not None:
        sources = file_sources(job.file, settings.sources, settings.cleaning, policy)
    else:
        sources = cleaned(documents, settings.sources, settings.cleaning, policy)
    builder.add_chunk(list(sources), job.origin)
    return ChunkResult(
        worker=os.getpid(),
        columns=builder.columns(),
        new_terms=tuple(vocab.terms[known:]),
        new_surface=tuple(vocab.surface[known:]),
        warnings=tuple(policy.warnings),
        parsed=parsed,
    )


def parse_lines(
    job: Job, settings: RetrievalSettings, known: Mapping[str, int] | None = None
) -> ParsedChunk:
    """Return the documents of a job's .jsonl lines (ids of `known` taken are bad lines)."""
    if job.lines is None:  # pragma: no cover - only line jobs are parsed
        raise ValueError("no lines to parse")
    strict = settings.sources.on_error == "error"
    max_bytes = settings.sources.max_file_mb << 20
    path = Path(job.origin)
    return parse_chunk(job.lines, path, job.name, max_bytes, strict=strict, known=known)


class ParallelAdder:
    """Feeds jobs to worker processes and merges their chunks into a builder, in order."""

    def __init__(
        self,
        builder: IndexBuilder,
        workers: int,
        run_here: Callable[[Any], None],
        policy: SourcePolicy,
    ) -> None:
        self.builder = builder
        self.workers = workers
        self.run_here = run_here
        self.policy = policy
        self._maps: dict[int, np.ndarray] = {}
        self._tallies: dict[str, JsonlTally] = {}

    def _tally(self, origin: str) -> JsonlTally:
        tally = self._tallies.get(origin)
        if tally is None:
            tally = self._tallies[origin] = JsonlTally(Path(origin), self.policy)
        return tally

    def _settle(self, job: Job, result: ChunkResult) -> None:
        """Merge a job's chunk, after its .jsonl ids are checked against earlier chunks'."""
        if result.parsed is None:
            self._merge(result)
            return
        tally = self._tally(job.origin)
        if not tally.reuses_ids(result.parsed):
            tally.accept(result.parsed)
            self._merge(result)
            return
        # Rare: an id of an earlier chunk again. Parse here, against all the ids before
        # (the worker's new terms still join the vocabulary: its later ids count on them).
        self._term_map(result)
        settings = self.builder.settings
        parsed = parse_lines(job, settings, tally.seen)
        tally.accept(parsed)
        sources = cleaned(parsed.documents, settings.sources, settings.cleaning, self.policy)
        self.builder.add_chunk(list(sources), job.origin)

    def _done(self, item: JsonlDone) -> None:
        tally = self._tallies.pop(item.origin, None)
        if tally is not None:
            with self.policy.guard():
                tally.finish()

    def _merge(self, result: ChunkResult) -> None:
        self.builder.merge(result.columns, self._term_map(result))
        self.policy.absorb(result.warnings)

    def _term_map(self, result: ChunkResult) -> np.ndarray:
        """Return the map from the worker's term ids to ours, its new terms added."""
        vocab = self.builder.vocab
        new = np.fromiter(
            (
                vocab.add_surface(t, s)
                for t, s in zip(result.new_terms, result.new_surface, strict=True)
            ),
            np.int32,
            len(result.new_terms),
        )
        known = self._maps.get(result.worker, np.empty(0, np.int32))
        term_map = np.concatenate((known, new))
        self._maps[result.worker] = term_map
        return term_map

    def run(self, work: Iterable[Job | Any], progress: Progress | None = None) -> None:
        """Process every job in a worker and anything else with run_here, in order.

        A SourceError in a worker (on_error: error) is raised here.
        """
        context = multiprocessing.get_context("spawn")  # safe from a threaded bot, too
        done = 0
        with ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_start_worker,
            initargs=(self.builder.settings,),
        ) as pool:
            pending: deque[tuple[Future[ChunkResult], Job] | Any] = deque()

            def settle() -> None:
                nonlocal done
                item = pending.popleft()
                if isinstance(item, tuple):
                    future, job = item
                    self._settle(job, future.result())
                elif isinstance(item, JsonlDone):
                    self._done(item)
                else:
                    self.run_here(item)
                done += 1
                if progress:
                    progress(done, done + len(pending), self.builder.passage_count)

            for item in work:
                pending.append(
                    (pool.submit(_run_job, item), item) if isinstance(item, Job) else item
                )
                while len(pending) >= self.workers * IN_FLIGHT_PER_WORKER:
                    settle()
            while pending:
                settle()


def worker_count() -> int:
    """Return how many worker processes a large build uses: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)
