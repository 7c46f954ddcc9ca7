"""`sourcebot bench`: our engine against tantivy, bm25s and rank-bm25 on one synthetic corpus.

One run generates the corpus and questions once (`retrieval.bench.synthetic`), then runs each
system in its own child process (`retrieval.bench.worker`), one after another, on the same
files: the peak RSS is each system's alone and no two systems share the cores. A row gives
build and load time, peak RSS, index size on disk, question latency p50/p95/p99, recall@10
of each question's source passage (a sanity check, not a quality measure) and the ratios
of build time and latency to tantivy's. rank-bm25 scores every passage for every question,
so it runs only up to `RANK_BM25_MAX_PASSAGES` and on a sample of the questions.

Two corpus shapes, the same passages: `articles` (10-30 passages an article, one JSONL
line an article for sourcebot) and `documents` (every passage its own untitled document,
as in BEIR corpora, FAQ dumps and message archives: a million sources at 1M passages).

`format_table` (`retrieval.bench.report`) prints the rows and whether sourcebot meets its
targets on each shape.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from retrieval.bench.report import (
    REFERENCE,
    BenchRow,
    TargetCheck,
    check_targets,
    format_table,
    percentile,
    ratio,
    with_ratios,
)
from retrieval.bench.synthetic import SyntheticCorpus, SyntheticQuestion, write_questions
from retrieval.bench.worker import (
    SystemResult,
    SystemRunner,
    run_bm25s,
    run_rank_bm25,
    run_sourcebot,
    run_tantivy,
    runner_path,
)
from retrieval.evaluate.metrics import recall_at_k

__all__ = [
    "RANK_BM25_MAX_PASSAGES",
    "RANK_BM25_QUESTIONS",
    "REFERENCE",
    "SHAPES",
    "SYSTEMS",
    "BenchData",
    "BenchRow",
    "SystemResult",
    "SystemRunner",
    "TargetCheck",
    "check_targets",
    "format_table",
    "generate_data",
    "percentile",
    "ratio",
    "run_bench",
    "run_systems",
    "with_ratios",
]

log = logging.getLogger(__name__)

SYSTEMS: dict[str, SystemRunner] = {
    "tantivy": run_tantivy,
    "bm25s": run_bm25s,
    "rank-bm25": run_rank_bm25,
    "sourcebot": run_sourcebot,
}
SHAPES = ("documents", "articles")
GENERATION_WORKERS = 2  # processes writing the corpus (10M passages take minutes in one)
RANK_BM25_MAX_PASSAGES = 100_000
RANK_BM25_QUESTIONS = 100
_MB = 1024 * 1024


@dataclass(frozen=True)
class BenchData:
    """The files every system reads, and what generating them took."""

    corpus_path: Path
    questions: tuple[SyntheticQuestion, ...]
    passages: int
    generation_seconds: float
    shape: str = "articles"


def generate_data(passages: int, questions: int, seed: int, workdir: Path) -> BenchData:
    """Write the synthetic corpus (articles shape) and questions into workdir; time it."""
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    corpus = SyntheticCorpus(passages, seed)
    corpus_path = workdir / "corpus.jsonl"
    corpus.write_jsonl(corpus_path, workers=GENERATION_WORKERS if passages >= 100_000 else 1)
    asked = tuple(corpus.questions(questions))
    write_questions(asked, workdir / "questions.jsonl")
    seconds = time.perf_counter() - start
    log.info("generated %d passages and %d questions in %.1f s", passages, questions, seconds)
    return BenchData(corpus_path, asked, passages, seconds)


def as_documents(data: BenchData, workdir: Path) -> BenchData:
    """Return the same passages and questions as the documents shape: each passage its own
    untitled document (`article` = its id, no title), written beside the articles."""
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    path = workdir / "documents.jsonl"
    with data.corpus_path.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        for line in source:
            record = json.loads(line)
            record["article"], record["title"] = record["id"], ""
            out.write(json.dumps(record) + "\n")
    seconds = data.generation_seconds + time.perf_counter() - start
    return BenchData(path, data.questions, data.passages, seconds, "documents")


def run_systems(
    data: BenchData,
    workdir: Path,
    systems: Sequence[str] = tuple(SYSTEMS),
    runners: Mapping[str, SystemRunner] | None = None,
    rank_bm25_max_passages: int = RANK_BM25_MAX_PASSAGES,
    rank_bm25_questions: int = RANK_BM25_QUESTIONS,
    timeout: float | None = None,
) -> list[BenchRow]:
    """Run each system in its own process on data; return one row per system, in order.

    `runners` replaces or adds systems, e.g. {"sourcebot": run_saved_index}; each must be a
    module-level function, as the child process imports it by name.
    """
    table = {**SYSTEMS, **(runners or {})}
    unknown = [s for s in systems if s not in table]
    if unknown:
        raise ValueError(
            f"unknown system {', '.join(map(repr, unknown))}: choose from {', '.join(table)}"
        )
    rows: list[BenchRow] = []
    for system in systems:
        asked, used = data.questions, data
        if system == "rank-bm25":
            # O(passages) per question: on the first rank_bm25_max_passages of the same data.
            if data.passages > rank_bm25_max_passages:
                used = _prefix(data, rank_bm25_max_passages, workdir / "prefix")
                asked = used.questions
            asked = asked[:rank_bm25_questions]
        log.info("running %s on %d passages, %d questions", system, used.passages, len(asked))
        row = _run_one(system, table[system], used, asked, workdir / system, timeout)
        rows.append(replace(row, shape=data.shape))
    return with_ratios(rows)


def _prefix(data: BenchData, passages: int, workdir: Path) -> BenchData:
    """Return the first `passages` passages of data and the questions about them."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "corpus.jsonl"
    with data.corpus_path.open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
        for _, line in zip(range(passages), source, strict=False):
            out.write(line)
    asked = tuple(q for q in data.questions if q.passage_id < passages)
    return BenchData(path, asked, passages, 0.0, data.shape)


def run_bench(
    passages: int,
    questions: int = 1000,
    seed: int = 0,
    workdir: Path | None = None,
    systems: Sequence[str] = tuple(SYSTEMS),
    runners: Mapping[str, SystemRunner] | None = None,
    timeout: float | None = None,
    shapes: Sequence[str] = SHAPES,
) -> list[BenchRow]:
    """Generate a corpus of `passages` passages and `questions` questions, run every system
    on each shape (the same passages and questions), one shape after the other."""
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown or not shapes:
        raise ValueError(f"unknown shape {', '.join(map(repr, unknown))}: choose from {SHAPES}")
    if workdir is not None:
        return _run_shapes(passages, questions, seed, workdir, systems, runners, timeout, shapes)
    with tempfile.TemporaryDirectory(prefix="sourcebot-bench-") as tmp:
        return _run_shapes(passages, questions, seed, Path(tmp), systems, runners, timeout, shapes)


def _run_shapes(
    passages: int,
    questions: int,
    seed: int,
    workdir: Path,
    systems: Sequence[str],
    runners: Mapping[str, SystemRunner] | None,
    timeout: float | None,
    shapes: Sequence[str],
) -> list[BenchRow]:
    articles = generate_data(passages, questions, seed, workdir)
    rows: list[BenchRow] = []
    for shape in shapes:
        data = articles if shape == "articles" else as_documents(articles, workdir)
        rows += run_systems(data, workdir / shape, systems, runners, timeout=timeout)
    return rows


def _run_one(
    system: str,
    runner: SystemRunner,
    data: BenchData,
    asked: Sequence[SyntheticQuestion],
    workdir: Path,
    timeout: float | None,
) -> BenchRow:
    # A fresh folder: tantivy would add to an index left by an earlier run.
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    questions_file = workdir / "questions.json"
    questions_file.write_text(json.dumps([q.text for q in asked]), encoding="utf-8")
    out = workdir / "result.json"
    command = [
        sys.executable,
        "-m",
        "retrieval.bench.worker",
        runner_path(runner),
        str(data.corpus_path),
        str(questions_file),
        str(workdir),
        str(out),
    ]
    # The child must import `retrieval` even when it is not installed.
    package_root = str(Path(__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired:
        return _empty_row(system, data.passages, f"failed: no result within {timeout:.0f} s")
    if done.returncode != 0 or not out.is_file():
        lines = done.stderr.strip().splitlines() or ["no output"]
        log.error("%s failed:\n%s", system, done.stderr)
        return _empty_row(system, data.passages, f"failed (exit {done.returncode}): {lines[-1]}")
    payload = json.loads(out.read_text(encoding="utf-8"))
    result = SystemResult.from_json(payload)
    row = _row(system, data.passages, asked, result, int(payload["peak_rss_bytes"]))
    serving = int(payload.get("rss_bytes", 0))
    return replace(row, serve_rss_mb=serving / _MB if serving else None)


def _row(
    system: str,
    passages: int,
    asked: Sequence[SyntheticQuestion],
    result: SystemResult,
    peak_rss: int,
) -> BenchRow:
    """Return the row for one system's result: percentiles and recall computed here."""
    lat = result.latencies_ms
    recall = [
        recall_at_k([str(i) for i in ranking], {str(q.passage_id): 1}, 10)
        for q, ranking in zip(asked, result.rankings, strict=True)
    ]
    return BenchRow(
        system=system,
        passages=passages,
        questions=len(asked),
        build_s=result.build_seconds,
        load_s=result.load_seconds,
        peak_rss_mb=peak_rss / _MB,
        index_mb=None if result.index_bytes is None else result.index_bytes / _MB,
        p50_ms=percentile(lat, 50) if lat else None,
        p95_ms=percentile(lat, 95) if lat else None,
        p99_ms=percentile(lat, 99) if lat else None,
        recall_at_10=sum(recall) / len(recall) if recall else None,
        note=result.note,
    )


def _empty_row(system: str, passages: int, note: str) -> BenchRow:
    return BenchRow(system, passages, 0, None, None, None, None, None, None, None, None, note=note)
