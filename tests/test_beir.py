"""Tests for retrieval.beir: loading a BEIR folder and the error raised for each defect."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from retrieval.beir import BeirDataset, BeirDoc, DatasetError, load_beir
from retrieval.errors import SourcebotError
from tests.shared_data import shared_data

MSMARCO_5K = shared_data("msmarco-5k")

CORPUS: list[dict[str, object]] = [
    {"_id": "d1", "title": "Cats", "text": "Cats purr.", "metadata": {}},
    {"_id": "d2", "text": "Dogs bark."},  # no title: defaults to ""
    {"_id": 3, "title": "Birds", "text": "Birds sing."},  # numeric id, as some exports write
]
QUERIES: list[dict[str, object]] = [
    {"_id": "q1", "text": "do cats purr"},
    {"_id": "q2", "text": "what do dogs do"},
    {"_id": "q3", "text": "unjudged query"},
]
QRELS = "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\td2\t1\n"


def jsonl(records: Sequence[Mapping[str, object]]) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Return a valid three-document BEIR folder."""
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text(jsonl(CORPUS), encoding="utf-8")
    (tmp_path / "queries.jsonl").write_text(jsonl(QUERIES), encoding="utf-8")
    (tmp_path / "qrels" / "test.tsv").write_text(QRELS, encoding="utf-8")
    return tmp_path


def test_load_tiny_folder(folder: Path) -> None:
    dataset = load_beir(folder)
    assert dataset == BeirDataset(
        corpus=(
            BeirDoc(id="d1", title="Cats", text="Cats purr."),
            BeirDoc(id="d2", title="", text="Dogs bark."),
            BeirDoc(id="3", title="Birds", text="Birds sing."),
        ),
        queries={"q1": "do cats purr", "q2": "what do dogs do"},
        qrels={"q1": {"d1": 2, "d2": 0}, "q2": {"d2": 1}},
    )


def test_qrels_without_header_keep_first_row(folder: Path) -> None:
    (folder / "qrels" / "test.tsv").write_text("q1\td1\t2\nq2\td2\t1\n", encoding="utf-8")
    assert load_beir(str(folder)).qrels == {"q1": {"d1": 2}, "q2": {"d2": 1}}


def test_crlf_blank_lines_and_bom_are_tolerated(folder: Path) -> None:
    (folder / "queries.jsonl").write_bytes(
        b"\xef\xbb\xbf" + jsonl(QUERIES).replace("\n", "\r\n\r\n").encode()
    )
    (folder / "qrels" / "test.tsv").write_bytes(b"q1\td1\t2\r\n\r\n")
    dataset = load_beir(folder)
    assert dataset.queries == {"q1": "do cats purr"}
    assert dataset.qrels == {"q1": {"d1": 2}}


def test_other_split(folder: Path) -> None:
    (folder / "qrels" / "dev.tsv").write_text("q2\td1\t1\n", encoding="utf-8")
    dataset = load_beir(folder, split="dev")
    assert dataset.queries == {"q2": "what do dogs do"}
    assert dataset.qrels == {"q2": {"d1": 1}}


def test_dataset_error_is_a_value_error_reported_like_other_domain_errors() -> None:
    assert issubclass(DatasetError, ValueError)
    assert issubclass(DatasetError, SourcebotError)


def test_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(DatasetError, match=r"nowhere: BEIR folder not found; pass a folder"):
        load_beir(missing)


@pytest.mark.parametrize("name", ["corpus.jsonl", "queries.jsonl", "qrels/test.tsv"])
def test_missing_file(folder: Path, name: str) -> None:
    (folder / name).unlink()
    with pytest.raises(DatasetError, match=rf"{name}: file not found"):
        load_beir(folder)


def write_lines(folder: Path, name: str, lines: list[str]) -> None:
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "bad_line", "message"),
    [
        ("corpus.jsonl", '{"_id": "d9", "text": ', r"line 2: invalid JSON .*one JSON object"),
        ("corpus.jsonl", '["d9", "text"]', r"line 2: expected a JSON object, got list"),
        ("corpus.jsonl", '{"text": "no id"}', r'line 2: missing "_id"'),
        ("corpus.jsonl", '{"_id": "", "text": "empty id"}', r'line 2: missing "_id"'),
        ("corpus.jsonl", '{"_id": true, "text": "bool id"}', r'line 2: missing "_id"'),
        ("corpus.jsonl", '{"_id": "d9"}', r'line 2: missing "text"'),
        ("corpus.jsonl", '{"_id": "d9", "text": 5}', r'line 2: missing "text"'),
        ("corpus.jsonl", '{"_id": "d9", "title": 1, "text": "t"}', r'line 2: "title" must be'),
        ("corpus.jsonl", '{"_id": "d1", "text": "again"}', r"line 2: document id 'd1' .*line 1"),
        ("queries.jsonl", '{"_id": "q9"}', r'line 2: missing "text"'),
        ("queries.jsonl", '{"text": "no id"}', r'line 2: missing "_id"'),
        ("queries.jsonl", "not json", r"line 2: invalid JSON"),
        ("queries.jsonl", '{"_id": "q1", "text": "again"}', r"line 2: query id 'q1' .*line 1"),
    ],
)
def test_bad_jsonl_line(folder: Path, name: str, bad_line: str, message: str) -> None:
    first = json.dumps((CORPUS if name == "corpus.jsonl" else QUERIES)[0])
    write_lines(folder, name, [first, bad_line])
    with pytest.raises(DatasetError, match=rf"{name}, {message}"):
        load_beir(folder)


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        ("q1\td1", r"line 2: expected 3 tab-separated fields"),
        ("q1 d1 1", r"line 2: expected 3 tab-separated fields"),
        ("q1\td1\t1\textra", r"line 2: expected 3 tab-separated fields"),
        ("\td1\t1", r"line 2: expected 3 tab-separated fields"),
        ("q1\td3\thigh", r"line 2: score 'high' is not an integer"),
        ("q1\td3\t1.5", r"line 2: score '1.5' is not an integer"),
        ("q9\td1\t1", r"line 2: query id 'q9' is not in queries.jsonl"),
        ("q1\td1\t1", r"line 2: \('q1', 'd1'\) is judged twice"),
    ],
)
def test_bad_qrels_row(folder: Path, bad_row: str, message: str) -> None:
    write_lines(folder, "qrels/test.tsv", ["q1\td1\t2", bad_row])
    with pytest.raises(DatasetError, match=rf"test.tsv, {message}"):
        load_beir(folder)


def test_header_after_first_row_is_a_bad_row(folder: Path) -> None:
    write_lines(folder, "qrels/test.tsv", ["q1\td1\t2", "query-id\tcorpus-id\tscore"])
    with pytest.raises(DatasetError, match=r"line 2: score 'score' is not an integer"):
        load_beir(folder)


@pytest.mark.parametrize("name", ["corpus.jsonl", "queries.jsonl", "qrels/test.tsv"])
def test_invalid_utf8(folder: Path, name: str) -> None:
    path = folder / name
    path.write_bytes(path.read_bytes() + b'{"_id": "\xff\xfe"}\n')
    line = len(path.read_bytes().splitlines())
    with pytest.raises(DatasetError, match=rf"{name}, line {line}: invalid UTF-8 .*as UTF-8"):
        load_beir(folder)


def test_empty_corpus(folder: Path) -> None:
    (folder / "corpus.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"corpus.jsonl: no documents"):
        load_beir(folder)


def test_qrels_with_only_a_header(folder: Path) -> None:
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\n", encoding="utf-8")
    with pytest.raises(DatasetError, match=r"test.tsv: no judgements"):
        load_beir(folder)


def test_load_msmarco_5k() -> None:
    if not MSMARCO_5K.is_dir():
        pytest.skip(f"{MSMARCO_5K} is absent")
    dataset = load_beir(MSMARCO_5K)
    assert len(dataset.corpus) == 5000
    assert len({doc.id for doc in dataset.corpus}) == 5000
    # queries.jsonl holds the 50 queries the README promises, but only 43 of them have
    # judgements in qrels/test.tsv (4,102 rows, no header), and only judged queries are kept.
    query_lines = (MSMARCO_5K / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(query_lines) == 50
    assert len(dataset.queries) == 43
    assert dataset.queries.keys() == dataset.qrels.keys()
    assert sum(len(grades) for grades in dataset.qrels.values()) == 4102
    assert dataset.qrels["19335"]["1720389"] == 1
    assert dataset.queries["19335"] == "anthropological definition of environment"
