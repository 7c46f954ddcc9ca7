"""The child-process side of `sourcebot bench`: one system, built, reloaded and timed.

`python -m retrieval.bench.worker RUNNER CORPUS QUESTIONS WORKDIR OUT` imports the runner
("module:function"), calls it on the corpus JSONL and the question texts (a JSON list),
and writes what it measured, plus the peak RSS of this process and the workers it started
together (memory.py), to OUT as JSON. One process per system, so the peak RSS is that
system's alone.

A runner is `(corpus_path, questions, workdir) -> SystemResult`. Build time runs from
reading the JSONL to an index saved in `workdir` (reading included, for every system);
load time is reopening that index. Latency is one question at a time, after `WARMUP`
untimed questions, and covers what each runner's docstring says.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from retrieval.bench.memory import TreeSampler, peak_rss_bytes, release_freed_memory, rss_bytes
from retrieval.bench.synthetic import SyntheticPassage, read_corpus

if TYPE_CHECKING:
    from retrieval.model import Answer

__all__ = [
    "TOP_K",
    "WARMUP",
    "SystemResult",
    "SystemRunner",
    "load_runner",
    "peak_rss_bytes",
    "rss_bytes",
    "run_bm25s",
    "run_rank_bm25",
    "run_sourcebot",
    "run_tantivy",
    "runner_path",
    "time_questions",
]

TOP_K = 10
WARMUP = 5
TANTIVY_HEAP_BYTES = 512_000_000
TANTIVY_THREADS = 2
_TANTIVY_ANALYZER = "en_stop_stem"
_QUERY_WORD = re.compile(r"[^\W_]+")

R = TypeVar("R")


@dataclass(frozen=True)
class SystemResult:
    """What one system measured: build and load times, index size, each question's top ids.

    `load_seconds` and `index_bytes` are None when the system keeps nothing on disk;
    `rankings[i]` is the corpus passage ids returned for question i, best first.
    """

    build_seconds: float
    load_seconds: float | None
    index_bytes: int | None
    latencies_ms: tuple[float, ...]
    rankings: tuple[tuple[int, ...], ...]
    note: str = ""
    worker_processes: int = 0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SystemResult:
        """Return the result that `asdict` + JSON wrote."""
        return cls(
            build_seconds=float(data["build_seconds"]),
            load_seconds=None if data["load_seconds"] is None else float(data["load_seconds"]),
            index_bytes=None if data["index_bytes"] is None else int(data["index_bytes"]),
            latencies_ms=tuple(float(x) for x in data["latencies_ms"]),
            rankings=tuple(tuple(int(i) for i in r) for r in data["rankings"]),
            note=str(data.get("note", "")),
            worker_processes=int(data.get("worker_processes", 0)),
        )


SystemRunner = Callable[[Path, list[str], Path], SystemResult]


def time_questions(
    search: Callable[[str], R],
    ids_of: Callable[[R], Iterable[int]],
    questions: Sequence[str],
    warmup: int = WARMUP,
) -> tuple[tuple[float, ...], tuple[tuple[int, ...], ...]]:
    """Return each question's latency (ms) of `search` alone, and the ids `ids_of` its result.

    The first `warmup` questions are asked once untimed, so lazy set-up is not charged to
    the first timed question.
    """
    for question in questions[:warmup]:
        search(question)
    latencies: list[float] = []
    results: list[R] = []
    for question in questions:
        start = time.perf_counter_ns()
        result = search(question)
        latencies.append((time.perf_counter_ns() - start) / 1e6)
        results.append(result)
    rankings = tuple(tuple(ids_of(r))[:TOP_K] for r in results)
    return tuple(latencies), rankings


def dir_bytes(path: Path) -> int:
    """Return the total size of the files under path."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def runner_path(runner: SystemRunner) -> str:
    """Return "module:qualname" for a runner a child process can import; ValueError if none."""
    module = getattr(runner, "__module__", None)
    qualname = getattr(runner, "__qualname__", "")
    if not module or module == "__main__" or "<" in qualname:
        raise ValueError(
            f"system runner {runner!r} must be a module-level function of an importable "
            "module (not a lambda, a nested function or defined in __main__): each system "
            "runs in a child process that imports it"
        )
    return f"{module}:{qualname}"


def load_runner(path: str) -> SystemRunner:
    """Return the runner that `runner_path` named."""
    module_name, _, qualname = path.partition(":")
    if not module_name or not qualname:
        raise ValueError(f"runner {path!r} must look like 'package.module:function'")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    if not callable(target):
        raise ValueError(f"runner {path!r} is not callable")
    runner: SystemRunner = target
    return runner


def _title_and_text(passages: Iterable[SyntheticPassage]) -> tuple[list[int], list[str]]:
    """Return the corpus ids and "title text" of passages, the text peers index."""
    ids: list[int] = []
    texts: list[str] = []
    for p in passages:
        ids.append(p.id)
        texts.append(f"{p.title} {p.text}")
    return ids, texts


# --- tantivy -------------------------------------------------------------------------------


def _tantivy_analyzer() -> Any:
    """Return tantivy's en_stem pipeline plus its English stopwords, like the other systems."""
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def tantivy_query_text(question: str) -> str:
    """Return question as plain lower-case words, so no character means query syntax."""
    # Lower case keeps AND / OR / NOT from being read as operators; splitting where
    # tantivy's simple tokenizer splits keeps one word from becoming a phrase query.
    return " ".join(_QUERY_WORD.findall(question.lower()))


def run_tantivy(corpus_path: Path, questions: list[str], workdir: Path) -> SystemResult:
    """Index title + text with tantivy (2 writer threads), save, reopen; time parse + search.

    The text is stored too (tantivy's compressed document store), as sourcebot keeps its
    text to quote it: the index sizes compare like with like.

    Title and text are two values of one field, so they make one bag of words as in the
    other systems; as separate fields, tantivy scores each on its own length norm, which
    cost it about 0.1 of recall@10 here, and searches twice the postings.
    """
    import tantivy

    index_dir = workdir / "tantivy-index"
    index_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", stored=True)
    # Term frequencies without positions: no system here answers phrase queries.
    builder.add_text_field(
        "text", stored=True, tokenizer_name=_TANTIVY_ANALYZER, index_option="freq"
    )
    index = tantivy.Index(builder.build(), path=str(index_dir))
    index.register_tokenizer(_TANTIVY_ANALYZER, _tantivy_analyzer())
    writer = index.writer(heap_size=TANTIVY_HEAP_BYTES, num_threads=TANTIVY_THREADS)
    for p in read_corpus(corpus_path):
        writer.add_document(tantivy.Document(id=p.id, text=[p.title, p.text]))
    writer.commit()
    writer.wait_merging_threads()
    del writer, index
    build = time.perf_counter() - start

    start = time.perf_counter()
    index = tantivy.Index.open(str(index_dir))
    index.register_tokenizer(_TANTIVY_ANALYZER, _tantivy_analyzer())
    searcher = index.searcher()
    load = time.perf_counter() - start
    queries = [tantivy_query_text(q) for q in questions]

    def search(text: str) -> list[Any]:
        if not text:
            return []
        query = index.parse_query(text, ["text"])
        # count=False: top 10 only, so tantivy may skip blocks (block-max WAND).
        return list(searcher.search(query, TOP_K, count=False).hits)

    def ids_of(hits: list[Any]) -> list[int]:
        return [int(searcher.doc(address)["id"][0]) for _, address in hits]

    latencies, rankings = time_questions(search, ids_of, queries)
    note = "latency: parse + search; text stored"
    return SystemResult(build, load, dir_bytes(index_dir), latencies, rankings, note)


# --- bm25s ---------------------------------------------------------------------------------


def run_bm25s(corpus_path: Path, questions: list[str], workdir: Path) -> SystemResult:
    """Index title + text with bm25s (English stopwords, PyStemmer), save, load; time
    tokenize + retrieve of one question at a time."""
    import bm25s
    import Stemmer

    index_dir = workdir / "bm25s-index"
    stemmer = Stemmer.Stemmer("english")
    start = time.perf_counter()
    ids, texts = _title_and_text(read_corpus(corpus_path))
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=stemmer, show_progress=False)
    del texts
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    del tokens
    retriever.save(str(index_dir))
    del retriever
    build = time.perf_counter() - start

    start = time.perf_counter()
    retriever = bm25s.BM25.load(str(index_dir))
    load = time.perf_counter() - start
    corpus_ids = np.asarray(ids, dtype=np.int64)
    k = min(TOP_K, len(ids))

    def search(question: str) -> Any:
        query = bm25s.tokenize(question, stopwords="en", stemmer=stemmer, show_progress=False)
        docs, _ = retriever.retrieve(query, k=k, show_progress=False, n_threads=0)
        return docs[0]

    def ids_of(docs: Any) -> list[int]:
        return [int(i) for i in corpus_ids[np.asarray(docs, dtype=np.int64)]]

    latencies, rankings = time_questions(search, ids_of, questions)
    return SystemResult(
        build, load, dir_bytes(index_dir), latencies, rankings, "latency: tokenize + retrieve"
    )


# --- rank-bm25 -----------------------------------------------------------------------------


def run_rank_bm25(corpus_path: Path, questions: list[str], workdir: Path) -> SystemResult:
    """Index whitespace-split lower-case title + text with rank-bm25's BM25Okapi (in memory
    only); time get_scores + top 10."""
    from rank_bm25 import BM25Okapi

    start = time.perf_counter()
    ids, texts = _title_and_text(read_corpus(corpus_path))
    bm25 = BM25Okapi([t.lower().split() for t in texts])
    del texts
    build = time.perf_counter() - start
    corpus_ids = np.asarray(ids, dtype=np.int64)
    k = min(TOP_K, len(ids))

    def search(question: str) -> list[int]:
        scores = np.asarray(bm25.get_scores(question.lower().split()))
        top = np.argpartition(-scores, k - 1)[:k]
        return [int(corpus_ids[i]) for i in top[np.argsort(-scores[top], kind="stable")]]

    latencies, rankings = time_questions(search, lambda ranked: ranked, questions)
    return SystemResult(
        build, None, None, latencies, rankings, "in memory only; latency: get_scores + top 10"
    )


# --- sourcebot -----------------------------------------------------------------------------


def write_articles(corpus_path: Path, out: Path) -> dict[str, int]:
    """Write the corpus as one JSONL line per article (passages as paragraphs) for
    `sourcebot index`; return each article's source name -> the id of its first passage."""
    first: dict[str, int] = {}
    article: list[SyntheticPassage] = []

    def flush(handle: Any) -> None:
        key = f"{article[0].article:07d}"
        first[f"{out.name}#{key}"] = article[0].id
        text = "\n\n".join(p.text for p in article)
        record = {"id": key, "title": article[0].title, "text": text}
        if not article[0].title:  # the documents shape: untitled, as BEIR passages are
            del record["title"]
        handle.write(json.dumps(record) + "\n")

    with out.open("w", encoding="utf-8") as handle:
        for passage in read_corpus(corpus_path):
            if article and passage.article != article[0].article:
                flush(handle)
                article = []
            article.append(passage)
        if article:
            flush(handle)
    return first


def run_sourcebot(corpus_path: Path, questions: list[str], workdir: Path) -> SystemResult:
    """Build with `sourcebot index` (read, clean, tokenize, BM25, save), reload the saved
    index as the bot does at start, and time the bot's full `answer()` per question (parse,
    spelling, search, not-found check, quotes with highlights; the configured top_k)."""
    from retrieval.answer.library import Library
    from retrieval.index.parallel import worker_count
    from retrieval.index.storage import load_index
    from retrieval.index.update import update_index
    from retrieval.settings import RetrievalSettings

    articles = workdir / "articles.jsonl"
    first_id = write_articles(corpus_path, articles)  # input format only: not timed
    settings = RetrievalSettings()
    folder = workdir / "sourcebot-index"
    start = time.perf_counter()
    update_index(settings, folder, [articles])
    build = time.perf_counter() - start
    release_freed_memory()
    start = time.perf_counter()
    library = Library(load_index(folder, settings), settings)
    load = time.perf_counter() - start

    def ids_of(answer: Answer) -> list[int]:
        # Recall@10 from the same pipeline with ten hits (outside the timed part).
        hits = library.answer(answer.question, top_k=TOP_K).hits
        return [first_id[h.passage.source] + h.passage.paragraph - 1 for h in hits]

    latencies, rankings = time_questions(library.answer, ids_of, questions)
    workers = worker_count()
    note = (
        f"latency: answer() end to end, top_k={settings.answers.top_k} as the bot; "
        f"build on {workers} worker processes, their peak RSS included"
    )
    return SystemResult(build, load, dir_bytes(folder), latencies, rankings, note, workers)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one system as the bench's child process; write its result as JSON."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 5:
        print(
            "usage: python -m retrieval.bench.worker RUNNER CORPUS QUESTIONS WORKDIR OUT",
            file=sys.stderr,
        )
        return 2
    runner_name, corpus, questions_file, workdir, out = args
    runner = load_runner(runner_name)
    questions = [str(q) for q in json.loads(Path(questions_file).read_text(encoding="utf-8"))]
    with TreeSampler(os.getpid()) as sampler:
        result = runner(Path(corpus), questions, Path(workdir))
    # Worker processes a system starts (sourcebot's build workers) count too: the peak is
    # of this process and its workers together (memory.py). Their peaks added up (as if all
    # held their most at the same moment) is reported beside it, an upper bound.
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    own = peak_rss_bytes()
    payload = asdict(result) | {
        "peak_rss_bytes": max(sampler.peak, own),
        "peak_rss_bound_bytes": own + result.worker_processes * children,
        "rss_bytes": rss_bytes(),  # after the questions: what serving holds
    }
    Path(out).write_text(json.dumps(payload), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
