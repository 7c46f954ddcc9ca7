"""Tests for the synthetic corpus, the bench helpers, and one small run of the whole bench."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from retrieval.bench.run import (
    SYSTEMS,
    BenchRow,
    as_documents,
    check_targets,
    format_table,
    generate_data,
    percentile,
    ratio,
    run_bench,
    run_systems,
    with_ratios,
)
from retrieval.bench.synthetic import (
    SyntheticCorpus,
    read_corpus,
    read_questions,
    write_questions,
)
from retrieval.bench.worker import (
    SystemResult,
    load_runner,
    run_tantivy,
    runner_path,
    tantivy_query_text,
    time_questions,
)

SMALL_PASSAGES = 2_000
SMALL_QUESTIONS = 50
_FRAME_WORDS = {
    "what",
    "about",
    "did",
    "do",
    "is",
    "who",
    "was",
    "when",
    "how",
    "have",
    "to",
    "with",
}


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


# --- the synthetic corpus ------------------------------------------------------------------


def test_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    SyntheticCorpus(500, seed=7).write_jsonl(a)
    SyntheticCorpus(500, seed=7).write_jsonl(b)
    SyntheticCorpus(500, seed=8).write_jsonl(c)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()
    split = tmp_path / "split.jsonl"  # written by two processes, joined: the same bytes
    assert SyntheticCorpus(500, seed=7).write_jsonl(split, workers=2) == 500
    assert split.read_bytes() == a.read_bytes() and not list(tmp_path.glob("*.part*"))
    assert SyntheticCorpus(500, seed=7).questions(20) == SyntheticCorpus(500, seed=7).questions(20)


def test_corpus_has_exactly_n_passages_grouped_into_articles(tmp_path: Path) -> None:
    corpus = SyntheticCorpus(1_234, seed=1)
    path = tmp_path / "corpus.jsonl"
    assert corpus.write_jsonl(path) == 1_234
    passages = list(read_corpus(path))
    assert [p.id for p in passages] == list(range(1_234))
    assert passages == list(corpus.passages())
    sizes: dict[int, int] = {}
    titles: dict[int, set[str]] = {}
    for p in passages:
        sizes[p.article] = sizes.get(p.article, 0) + 1
        titles.setdefault(p.article, set()).add(p.title)
        # 40-90 tokens, a full name being one token of two words.
        assert 40 <= len(p.text.split()) <= 120
        assert (p.text[0].isupper() or p.text[0].isdigit()) and p.text.endswith(".")
    *whole, last = sizes.values()
    assert all(10 <= n <= 30 for n in whole) and 1 <= last <= 30
    assert all(len(t) == 1 for t in titles.values())
    assert corpus.n_articles == len(sizes)


def test_text_looks_like_english(tmp_path: Path) -> None:
    words = [w for p in SyntheticCorpus(300, seed=2).passages() for w in p.text.split()]
    lowered = [w.strip(".,").lower() for w in words]
    share_the = lowered.count("the") / len(lowered)
    assert 0.02 < share_the < 0.12  # "the" is ~6% of English running text
    assert any(re.fullmatch(r"(18|19|20)\d\d", w) for w in lowered)  # years
    capitalised = [w for w, prev in zip(words[1:], words, strict=False) if not prev.endswith(".")]
    assert sum(w[0].isupper() for w in capitalised) > 0.03 * len(capitalised)  # names, places
    assert len(set(lowered)) > 3_000


def test_any_article_regenerates_alone() -> None:
    corpus = SyntheticCorpus(800, seed=3)
    streamed = list(corpus.articles())
    assert corpus.article(17) == streamed[17]
    assert corpus.passage(555) == next(p for a in streamed for p in a.passages if p.id == 555)
    assert corpus.article_of(0) == 0
    with pytest.raises(IndexError):
        corpus.passage(800)


def test_questions_are_made_of_their_passage_words(tmp_path: Path) -> None:
    corpus = SyntheticCorpus(1_000, seed=4)
    questions = corpus.questions(200)
    assert len({q.passage_id for q in questions}) == 200
    assert 0.1 < sum(q.typo for q in questions) / 200 < 0.3
    for q in questions:
        passage = set(_words(corpus.passage(q.passage_id).text))
        content = [w for w in _words(q.text) if w not in _FRAME_WORDS]
        missing = [w for w in content if w not in passage]
        assert len(missing) <= int(q.typo), (q, missing)
        assert 3 <= len(content) <= 14  # 3-7 tokens, a full name being two words
    write_questions(questions, tmp_path / "q.jsonl")
    assert read_questions(tmp_path / "q.jsonl") == questions


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 passage"):
        SyntheticCorpus(0)
    with pytest.raises(ValueError, match="0 or more"):
        SyntheticCorpus(10).questions(-1)


# --- helpers -------------------------------------------------------------------------------


@pytest.mark.parametrize("q", [0, 1, 25, 50, 95, 99, 100])
def test_percentile_matches_numpy(q: float) -> None:
    values = [5.0, 1.0, 9.5, 3.25, 7.0, 2.0, 8.0]
    assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))


def test_percentile_edges() -> None:
    assert percentile([4.0], 99) == 4.0
    assert percentile([1.0, 2.0], 50) == 1.5
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)
    with pytest.raises(ValueError, match=r"0\.\.100"):
        percentile([1.0], 101)


def test_ratio() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None
    assert ratio(3.0, None) is None
    assert ratio(3.0, 0.0) is None


def _row(system: str, build: float | None, p50: float | None, note: str = "") -> BenchRow:
    ran = build is not None
    return BenchRow(
        system=system,
        passages=1_000,
        questions=10 if ran else 0,
        build_s=build,
        load_s=0.5 if ran else None,
        peak_rss_mb=300.0 if ran else None,
        index_mb=12.5 if system != "sourcebot" and ran else None,
        p50_ms=p50,
        p95_ms=None if p50 is None else p50 * 2,
        p99_ms=None if p50 is None else p50 * 4,
        recall_at_10=0.9 if ran else None,
        note=note,
    )


def test_ratios_are_to_tantivy() -> None:
    rows = with_ratios([_row("tantivy", 10.0, 2.0), _row("sourcebot", 25.0, 2.5)])
    ours = rows[1]
    assert (ours.build_ratio, ours.p50_ratio, ours.p99_ratio) == (2.5, 1.25, 1.25)
    assert rows[0].build_ratio == 1.0
    alone = with_ratios([_row("sourcebot", 25.0, 2.5)])[0]
    assert alone.build_ratio is None
    # Each shape against tantivy on the same shape.
    docs = [replace(_row("tantivy", 5.0, 1.0), shape="documents")]
    docs.append(replace(_row("sourcebot", 7.5, 1.0), shape="documents"))
    mixed = with_ratios([*docs, _row("tantivy", 10.0, 2.0), _row("sourcebot", 25.0, 2.5)])
    assert [r.build_ratio for r in mixed] == [1.0, 1.5, 1.0, 2.5]
    assert check_targets(mixed, shape="documents")[1].value == 1.5


def test_ten_million_passages_have_their_own_targets() -> None:
    big = [
        replace(r, passages=10_000_000)
        for r in (_row("tantivy", 100.0, 5.0), _row("sourcebot", 150.0, 10.0))
    ]
    checks = check_targets(with_ratios([big[0], replace(big[1], serve_rss_mb=3000.0)]))
    assert [(c.label, c.unit, c.met) for c in checks] == [
        ("build", "x tantivy", True),
        ("p99", "ms", True),
        ("serve RSS", "MB", True),
    ]


def test_targets_met_and_missed() -> None:
    rows = with_ratios([_row("tantivy", 10.0, 2.0), _row("sourcebot", 25.0, 12.0)])
    checks = {(c.label, c.unit): c.met for c in check_targets(rows)}
    assert checks == {
        ("build", "s"): True,
        ("build", "x tantivy"): False,  # 2.5x
        ("peak RSS", "MB"): True,
        ("p50", "ms"): False,  # 12 ms
        ("p99", "ms"): True,  # 48 ms
        ("p50", "x tantivy"): False,  # 6x
    }
    assert all(c.met is None for c in check_targets([_row("tantivy", 1.0, 1.0)]))


def test_format_table_aligns_rows_and_marks_targets() -> None:
    rows = with_ratios(
        [
            _row("tantivy", 10.0, 2.0),
            _row("rank-bm25", None, None, note="skipped: too big"),
            _row("sourcebot", 12.0, 2.5),
        ]
    )
    table = format_table(rows)
    lines = table.splitlines()
    assert lines[0].split()[:4] == ["system", "shape", "passages", "questions"]
    assert len({len(line) for line in lines[:5]}) == 1  # header, rule, 3 rows: one width
    assert "n/a" in lines[3] and "rank-bm25: skipped: too big" in table
    assert "1.20" in lines[4] and "1.25" in lines[4]  # build and p50 ratios
    assert lines[-1].startswith("targets (sourcebot, articles): build 12.00 s <= 60 s: met;")
    assert "p50 1.25x <= 1.5x tantivy: met" in lines[-1]
    assert "MISSED" not in lines[-1]


def test_time_questions_times_search_and_maps_ids_outside() -> None:
    calls: list[str] = []

    def search(q: str) -> str:
        calls.append(q)
        return q

    latencies, rankings = time_questions(search, lambda r: [len(r)] * 12, ["a", "bb"], 1)
    assert calls == ["a", "a", "bb"]  # one warm-up, then every question
    assert len(latencies) == 2 and all(t >= 0 for t in latencies)
    assert rankings == ((1,) * 10, (2,) * 10)


def test_runner_must_be_importable() -> None:
    assert runner_path(run_tantivy) == "retrieval.bench.worker:run_tantivy"
    assert load_runner(runner_path(run_tantivy)) is run_tantivy
    with pytest.raises(ValueError, match="module-level"):
        runner_path(lambda corpus, questions, workdir: fixed_runner(corpus, questions, workdir))  # noqa: PLW0108
    with pytest.raises(ValueError, match=r"package\.module:function"):
        load_runner("retrieval.bench.worker")


def test_tantivy_query_text_has_no_syntax() -> None:
    assert tantivy_query_text('What AND "Kyiv" (title:x) -NOT foo_bar?') == (
        "what and kyiv title x not foo bar"
    )


# --- the whole bench -----------------------------------------------------------------------


def fixed_runner(corpus_path: Path, questions: list[str], workdir: Path) -> SystemResult:
    """A stand-in for sourcebot's runner: always answers passage 0."""
    return SystemResult(
        1.5, None, None, tuple(1.0 for _ in questions), tuple((0,) for _ in questions)
    )


def failing_runner(corpus_path: Path, questions: list[str], workdir: Path) -> SystemResult:
    """A runner that breaks, to show a failure becomes a row, not a crash."""
    raise RuntimeError("index exploded")


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> list[BenchRow]:
    workdir = tmp_path_factory.mktemp("bench")
    return run_bench(SMALL_PASSAGES, SMALL_QUESTIONS, seed=0, workdir=workdir)


def test_every_system_runs_and_finds_the_source_passage(small_run: list[BenchRow]) -> None:
    assert [r.system for r in small_run] == list(SYSTEMS) * 2
    assert [r.shape for r in small_run] == ["documents"] * 4 + ["articles"] * 4
    for row in small_run:
        assert row.note.startswith("failed") is False, row.note
        assert row.passages == SMALL_PASSAGES and row.questions == SMALL_QUESTIONS
        for value in (row.build_s, row.peak_rss_mb, row.p50_ms, row.p95_ms, row.p99_ms):
            assert isinstance(value, float) and math.isfinite(value) and value > 0
        assert row.p50_ms <= row.p95_ms <= row.p99_ms  # type: ignore[operator]
        assert row.peak_rss_mb < 4_096  # type: ignore[operator]
        assert row.recall_at_10 is not None and row.recall_at_10 > 0.5, row
        assert row.build_ratio is not None and row.p50_ratio is not None
    for shape in ("documents", "articles"):
        by_name = {r.system: r for r in small_run if r.shape == shape}
        for system in ("tantivy", "bm25s"):
            index_mb = by_name[system].index_mb
            assert index_mb is not None and index_mb > 0
        assert by_name["tantivy"].build_ratio == 1.0
    table = format_table(small_run)
    assert all(s in table for s in SYSTEMS)
    assert "targets (sourcebot, documents)" in table and "targets (sourcebot, articles)" in table


def test_documents_shape_is_the_same_passages_one_document_each(tmp_path: Path) -> None:
    data = generate_data(300, 5, seed=0, workdir=tmp_path)
    documents = as_documents(data, tmp_path)
    articles, docs = list(read_corpus(data.corpus_path)), list(read_corpus(documents.corpus_path))
    assert [p.text for p in docs] == [p.text for p in articles]
    assert [p.article for p in docs] == [p.id for p in docs] and {p.title for p in docs} == {""}
    assert documents.questions == data.questions and documents.shape == "documents"
    with pytest.raises(ValueError, match="unknown shape 'pages'"):
        run_bench(300, 5, shapes=("pages",))


def test_rank_bm25_runs_on_a_prefix_of_big_corpora_and_runners_are_pluggable(
    tmp_path: Path,
) -> None:
    data = generate_data(300, 5, seed=0, workdir=tmp_path)
    rows = run_systems(
        data,
        tmp_path,
        systems=("rank-bm25", "sourcebot", "broken"),
        runners={"sourcebot": fixed_runner, "broken": failing_runner},
        rank_bm25_max_passages=200,
    )
    prefix, ours, broken = rows
    # rank-bm25 ran on the first 200 passages, with the questions about them.
    assert prefix.passages == 200 and prefix.build_s is not None
    assert prefix.questions == sum(q.passage_id < 200 for q in data.questions)
    assert ours.build_s == 1.5 and ours.p50_ms == 1.0
    assert ours.recall_at_10 == sum(q.passage_id == 0 for q in data.questions) / 5
    assert broken.build_s is None and "RuntimeError: index exploded" in broken.note
    questions = json.loads((tmp_path / "sourcebot" / "questions.json").read_text())
    assert questions == [q.text for q in data.questions]
    with pytest.raises(ValueError, match="unknown system 'nope'"):
        run_systems(data, tmp_path, systems=("nope",))
