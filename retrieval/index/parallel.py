"""Clean and tokenize documents in worker processes, merged in order into one builder.

Large builds are text work in Python: two worker processes double it on this machine's two
cores. Each worker keeps its own vocabulary; a chunk of documents comes back as flat
columns with the worker's term ids plus the terms it met for the first time, and the main
process maps those ids onto the shared vocabulary with one numpy lookup. Chunks are merged
in the order they were sent, so sources keep their numbers and a build is deterministic.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.index.builder import IndexBuilder
from retrieval.index.parts import Columns
from retrieval.index.term_counts import TermCounter
from retrieval.index.vocabulary import Vocabulary
from retrieval.ingest.documents import cleaned, file_sources
from retrieval.ingest.formats import RawDocument
from retrieval.ingest.formats.raw import Identity
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import RetrievalSettings
from retrieval.text.tokenize import Tokenizer

Progress = Callable[[int, int, int], None]  # jobs done, jobs known, passages so far
CHUNK_BYTES = 4 << 20  # text per chunk: big enough to amortise, small enough to stream
IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class Job:
    """Documents to clean and tokenize, all from one file: given, or read by the worker."""

    origin: str
    documents: tuple[RawDocument, ...] = ()
    path: Path | None = None
    name: str = ""
    identity: Identity | None = None  # the file as it was found (see formats/raw.py)


@dataclass(frozen=True)
class ChunkResult:
    """A job's rows, in the worker's term ids, and the terms the worker added for it."""

    worker: int
    columns: Columns
    new_terms: tuple[str, ...]
    new_surface: tuple[str, ...]
    warnings: tuple[str, ...]


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
    if not _WORKER:
        raise RuntimeError("worker started without _start_worker")
    state = _WORKER[0]
    settings, counter = state.settings, state.counter
    vocab = counter.vocab
    known = len(vocab.terms)
    builder = IndexBuilder(settings, counter.tokenizer, vocab, counter)
    # This worker's warnings go back with its chunk; the main process's policy logs them.
    policy = SourcePolicy(settings.sources.on_error, echo=False)
    if job.path is not None:
        sources = file_sources(
            job.path,
            job.name,
            settings.sources,
            settings.cleaning,
            policy,
            identity=job.identity,
        )
    else:
        sources = cleaned(job.documents, settings.sources, settings.cleaning, policy)
    for source in sources:
        builder.add(source, origin=job.origin)
    return ChunkResult(
        worker=os.getpid(),
        columns=builder.columns(),
        new_terms=tuple(vocab.terms[known:]),
        new_surface=tuple(vocab.surface[known:]),
        warnings=tuple(policy.warnings),
    )


def jobs(documents: Iterable[tuple[str, RawDocument]]) -> Iterator[Job]:
    """Group (origin, document) pairs into jobs of about CHUNK_BYTES of text, one file each."""
    batch: list[RawDocument] = []
    size, origin = 0, ""
    for doc_origin, raw in documents:
        if batch and (doc_origin != origin or size >= CHUNK_BYTES):
            yield Job(origin, tuple(batch))
            batch, size = [], 0
        origin = doc_origin
        batch.append(raw)
        size += sum(len(text) for _, text in raw.pages)
    if batch:
        yield Job(origin, tuple(batch))


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

    def _merge(self, result: ChunkResult) -> None:
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
        self.builder.merge(result.columns, term_map)
        self.policy.absorb(result.warnings)

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
            pending: deque[Future[ChunkResult] | Any] = deque()

            def settle() -> None:
                nonlocal done
                item = pending.popleft()
                if isinstance(item, Future):
                    self._merge(item.result())
                else:
                    self.run_here(item)
                done += 1
                if progress:
                    progress(done, done + len(pending), self.builder.passage_count)

            for item in work:
                pending.append(pool.submit(_run_job, item) if isinstance(item, Job) else item)
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
