"""Load a BEIR-format retrieval test set (corpus, queries, graded qrels) and measure on it.

The corpus is indexed with the same tokenizer and engine as the sources (title and text of
each document, title weighted like a source title) and every judged query is run.

The folder holds ``corpus.jsonl`` ({"_id", "title", "text", ...} per line), ``queries.jsonl``
({"_id", "text", ...} per line) and ``qrels/<split>.tsv`` (query-id, corpus-id, score; the
"query-id\\tcorpus-id\\tscore" header is optional). Every problem is a ``DatasetError`` whose
message names the file, the line where there is one, and what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import DatasetError
from retrieval.evaluate.metrics import EvalScores, evaluate_run
from retrieval.index.engines import build_engine
from retrieval.settings import RetrievalSettings
from retrieval.text.tokenize import Tokenizer

__all__ = ["BeirDataset", "BeirDoc", "DatasetError", "evaluate_beir", "load_beir"]

_QRELS_HEADER = ("query-id", "corpus-id", "score")


@dataclass(frozen=True)
class BeirDoc:
    """One corpus document."""

    id: str
    title: str
    text: str


@dataclass(frozen=True)
class BeirDataset:
    """A corpus, the judged queries (id -> text) and their qrels (query id -> doc id -> grade)."""

    corpus: tuple[BeirDoc, ...]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def load_beir(folder: Path | str, split: str = "test") -> BeirDataset:
    """Load corpus.jsonl, queries.jsonl and qrels/<split>.tsv, keeping only judged queries."""
    root = Path(folder)
    if not root.is_dir():
        raise DatasetError(
            f"{root}: BEIR folder not found; pass a folder that holds corpus.jsonl, "
            f"queries.jsonl and qrels/{split}.tsv"
        )
    corpus = _load_corpus(root / "corpus.jsonl")
    all_queries = _load_queries(root / "queries.jsonl")
    qrels = _load_qrels(root / "qrels" / f"{split}.tsv", all_queries)
    queries = {qid: all_queries[qid] for qid in qrels}
    return BeirDataset(corpus=corpus, queries=queries, qrels=qrels)


def _load_corpus(path: Path) -> tuple[BeirDoc, ...]:
    docs: list[BeirDoc] = []
    first_line: dict[str, int] = {}
    for lineno, record in _json_records(path):
        doc_id = _id_field(record, path, lineno)
        if doc_id in first_line:
            raise DatasetError(
                f"{path}, line {lineno}: document id {doc_id!r} already used on line "
                f'{first_line[doc_id]}; give every document a unique "_id"'
            )
        first_line[doc_id] = lineno
        title = record.get("title")
        if title is None:
            title = ""
        elif not isinstance(title, str):
            raise DatasetError(f'{path}, line {lineno}: "title" must be a string')
        docs.append(BeirDoc(id=doc_id, title=title, text=_text_field(record, path, lineno)))
    if not docs:
        raise DatasetError(f"{path}: no documents; add one JSON object per line")
    return tuple(docs)


def _load_queries(path: Path) -> dict[str, str]:
    queries: dict[str, str] = {}
    first_line: dict[str, int] = {}
    for lineno, record in _json_records(path):
        query_id = _id_field(record, path, lineno)
        if query_id in first_line:
            raise DatasetError(
                f"{path}, line {lineno}: query id {query_id!r} already used on line "
                f'{first_line[query_id]}; give every query a unique "_id"'
            )
        first_line[query_id] = lineno
        queries[query_id] = _text_field(record, path, lineno)
    return queries


def _load_qrels(path: Path, queries: dict[str, str]) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = {}
    for index, (lineno, line) in enumerate(_text_lines(path)):
        fields = [field.strip() for field in line.split("\t")]
        # Unlike BEIR's own loader, which always drops line 1, only a real header is skipped:
        # msmarco-5k has none, and dropping its first judgement would go unnoticed.
        if index == 0 and tuple(fields) == _QRELS_HEADER:
            continue
        if len(fields) != 3 or not fields[0] or not fields[1]:
            raise DatasetError(
                f"{path}, line {lineno}: expected 3 tab-separated fields "
                f"(query-id, corpus-id, score), got {line!r}"
            )
        query_id, doc_id, score_text = fields
        try:
            score = int(score_text)
        except ValueError:
            raise DatasetError(
                f"{path}, line {lineno}: score {score_text!r} is not an integer; "
                "use whole-number relevance grades such as 0, 1, 2"
            ) from None
        if query_id not in queries:
            raise DatasetError(
                f"{path}, line {lineno}: query id {query_id!r} is not in queries.jsonl; "
                "add the query or remove its judgements"
            )
        grades = qrels.setdefault(query_id, {})
        if doc_id in grades:
            raise DatasetError(
                f"{path}, line {lineno}: ({query_id!r}, {doc_id!r}) is judged twice; "
                "keep one row per query and document"
            )
        grades[doc_id] = score
    if not qrels:
        raise DatasetError(f"{path}: no judgements; add query-id, corpus-id, score rows")
    return qrels


def _json_records(path: Path) -> Iterator[tuple[int, dict[str, object]]]:
    """Yield (line number, object) for each non-blank line of a JSON Lines file."""
    for lineno, line in _text_lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(
                f"{path}, line {lineno}: invalid JSON ({exc.msg}); write one JSON object per line"
            ) from None
        if not isinstance(record, dict):
            raise DatasetError(
                f"{path}, line {lineno}: expected a JSON object, got {type(record).__name__}"
            )
        yield lineno, record


def _text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, text) for each non-blank line, decoding UTF-8 line by line."""
    if not path.is_file():
        raise DatasetError(f"{path}: file not found; a BEIR folder needs this file")
    try:
        with path.open("rb") as handle:
            for lineno, raw in enumerate(handle, 1):
                try:
                    # utf-8-sig on the first line drops a byte-order mark some editors write.
                    line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    raise DatasetError(
                        f"{path}, line {lineno}: invalid UTF-8 at byte {exc.start}; "
                        "re-save the file as UTF-8"
                    ) from None
                line = line.rstrip("\r\n")
                if line.strip():
                    yield lineno, line
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror}); check its permissions") from None


def _id_field(record: dict[str, object], path: Path, lineno: int) -> str:
    value = record.get("_id")
    # Some BEIR exports write numeric ids; bool is an int subclass but never a valid id.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise DatasetError(f'{path}, line {lineno}: missing "_id" (a non-empty string)')
    return value


def _text_field(record: dict[str, object], path: Path, lineno: int) -> str:
    value = record.get("text")
    if not isinstance(value, str):
        raise DatasetError(f'{path}, line {lineno}: missing "text" (a string)')
    return value


def evaluate_beir(folder: Path, config: RetrievalSettings, engine: str | None = None) -> EvalScores:
    """Return nDCG@10, Recall@10/100 and MRR@10 of our retrieval on a BEIR folder."""
    data = load_beir(folder)
    tokenizer = Tokenizer.from_settings(config.tokenizer)
    settings = config.index
    corpus = [
        tokenizer.tokenize(doc.text) + tokenizer.tokenize(doc.title) * settings.title_weight
        for doc in data.corpus
    ]
    bm25 = build_engine(
        engine or settings.engine, corpus, settings.scoring, settings.k1, settings.b
    )
    run: dict[str, list[str]] = {}
    for qid, text in data.queries.items():
        terms = list(dict.fromkeys(tokenizer.tokenize(text)))
        ids = bm25.search(terms, 100).ids
        run[qid] = [data.corpus[int(i)].id for i in ids]
    return evaluate_run(run, data.qrels)
