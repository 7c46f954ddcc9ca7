"""Tests for the BM25 engines and the index: known rankings, rank-bm25 parity, boosts."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Sequence
from typing import cast, get_args

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval.index.engines import ENGINES, RankBM25Engine, SparseEngine, build_engine, top_k
from retrieval.index.scoring import SCORINGS, get_scoring
from retrieval.index.search import SearchIndex
from retrieval.index.update import build_index as build
from retrieval.settings import EngineName, RetrievalSettings, ScoringName

TinyCorpus = Callable[..., RetrievalSettings]  # the `tiny_corpus` fixture

# Six documents; "sochi" and "kerry" each occur in two, so every idf variant is positive.
# A has both terms; B has "sochi" once and is short; C has "kerry" once and is long.
KNOWN = [
    ["kerry", "sochi", "visit"],  # 0: A
    ["sochi", "beach", "sun"],  # 1: B
    ["lavrov", "talk", "moscow", "kerry", "minsk", "ukrain", "europ", "secur"],  # 2: C
    ["bread", "bake", "oven"],
    ["pizza", "oven", "chees"],
    ["rain", "sun", "cloud"],
]
ENGINE_SCORINGS = [
    (engine, scoring)
    for engine in sorted(ENGINES)
    for scoring in sorted(SCORINGS)
    if engine != "rank-bm25" or scoring == "okapi"  # rank-bm25 only has its own
]


@pytest.mark.parametrize(("engine", "scoring"), ENGINE_SCORINGS)
def test_known_order(engine: str, scoring: str) -> None:
    bm25 = build_engine(engine, KNOWN, scoring, 1.2, 0.75)
    assert len(bm25) == len(KNOWN)
    results = bm25.search(["sochi", "kerry"], 10)
    assert results.ids.tolist() == [0, 1, 2]
    assert np.all(np.diff(results.scores) < 0)
    assert np.all(results.scores > 0)


@pytest.mark.parametrize(("engine", "scoring"), ENGINE_SCORINGS)
def test_search_edges(engine: str, scoring: str) -> None:
    bm25 = build_engine(engine, KNOWN, scoring, 1.2, 0.75)
    assert bm25.search(["unknown"], 10).ids.tolist() == []
    assert bm25.search([], 10).ids.tolist() == []
    assert bm25.search(["sochi", "kerry"], 1).ids.tolist() == [0]
    assert bm25.search(["oven"], 10).ids.tolist() == [3, 4]  # a tie goes to the lower id
    assert bm25.doc_freq("oven") == 2
    assert bm25.doc_freq("kerry") == 2
    assert bm25.doc_freq("unknown") == 0
    asked = ["oven", "unknown", "kerry", "sochi", "oven"]
    assert bm25.doc_freqs(asked) == [bm25.doc_freq(t) for t in asked]
    assert bm25.doc_freqs([]) == []


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_term_frequency_and_length(engine: str) -> None:
    corpus = [
        ["putin", "putin", "kerry"],
        ["putin", "kerry", "lavrov"],
        ["putin", "a", "b", "c", "d", "e", "f", "g"],
        *([["x", "y"]] * 5),
    ]
    results = build_engine(engine, corpus, "okapi", 1.5, 0.75).search(["putin"], 10)
    assert results.ids.tolist() == [0, 1, 2]


def random_corpus(seed: int, docs: int, vocab: int) -> list[list[str]]:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(vocab)]
    # Zipf-like choice: a few terms in most documents (negative okapi idf), many rare ones.
    weights = [1 / (i + 1) for i in range(vocab)]
    return [rng.choices(words, weights, k=rng.randint(1, 30)) for _ in range(docs)]


PARITY_CORPORA: list[tuple[str, list[list[str]], list[list[str]]]] = [
    (
        "known",
        KNOWN,
        [["sochi"], ["sochi", "kerry"], ["kerry", "kerry", "sochi"], ["oven", "unknown"]],
    ),
    (
        "common terms",  # "the" in every document: negative idf, floored at eps x mean
        [["the", "cat", "sat"], ["the", "dog"], ["the", "cat", "cat", "ran"], ["a", "the"], []],
        [["the"], ["the", "cat"], ["cat", "cat"], ["nothing"], ["the", "the", "dog", "zzz"]],
    ),
    (
        "random",
        random_corpus(1, 200, 300),
        [["w0"], ["w0", "w1", "w5"], ["w3", "w3", "w77"], ["w250", "nope"], ["w1"] * 4],
    ),
    (
        "random small",
        random_corpus(2, 12, 20),
        [["w0", "w2"], ["w19"], ["w4", "w4", "w4"], ["missing", "w7"]],
    ),
]


# Not b = 1: rank-bm25 then scores an empty document 0 / 0 = NaN (ours scores it 0).
@pytest.mark.parametrize(("k1", "b"), [(1.5, 0.75), (0.9, 0.4), (1.2, 0.95), (2.0, 0.0)])
@pytest.mark.parametrize(
    ("corpus", "queries"),
    [(c, q) for _, c, q in PARITY_CORPORA],
    ids=[name for name, _, _ in PARITY_CORPORA],
)
def test_okapi_parity_with_rank_bm25(
    corpus: list[list[str]], queries: list[list[str]], k1: float, b: float
) -> None:
    reference = BM25Okapi(corpus, k1=k1, b=b)
    sparse = SparseEngine.build(corpus, "okapi", k1, b)
    ours = RankBM25Engine(corpus, k1, b)
    for query in queries:
        expected = np.asarray(reference.get_scores(query), dtype=np.float64)
        assert np.allclose(sparse.scores(query), expected, rtol=1e-5), query
        assert np.array_equal(ours.scores(query), expected), query


def test_parity_covers_negative_idf() -> None:
    # Guard the corpus above: "the" must really have a negative raw idf.
    corpus = PARITY_CORPORA[1][1]
    reference = BM25Okapi(corpus)
    assert reference.idf["the"] == pytest.approx(0.25 * reference.average_idf)
    assert reference.average_idf > 0


def test_lucene_scores_differ_from_okapi() -> None:
    # Sanity: the parity above is not trivially true of every variant.
    query = ["the", "cat"]
    corpus = PARITY_CORPORA[1][1]
    okapi = SparseEngine.build(corpus, "okapi", 1.5, 0.75).scores(query)
    lucene = SparseEngine.build(corpus, "lucene", 1.5, 0.75).scores(query)
    assert not np.allclose(okapi, lucene)


def test_rank_bm25_engine_on_empty_documents() -> None:
    engine = RankBM25Engine([[], []], 1.5, 0.75)
    assert engine.scores(["x"]).tolist() == [0.0, 0.0]
    assert engine.search(["x"], 5).ids.tolist() == []


def test_top_k_orders_and_filters() -> None:
    scores = np.array([0.5, 0.0, 2.0, -1.0, 2.0, 1.0])
    assert top_k(scores, 3).ids.tolist() == [2, 4, 5]
    assert top_k(scores, 3).scores.tolist() == [2.0, 2.0, 1.0]
    assert top_k(scores, 100).ids.tolist() == [2, 4, 5, 0]
    assert top_k(scores, 0).ids.tolist() == []


def test_unknown_engine_lists_choices() -> None:
    with pytest.raises(ValueError, match="unknown engine 'lucene'") as err:
        build_engine("lucene", KNOWN, "lucene", 1.2, 0.75)
    for name in ("bm25s", "rank-bm25", "sparse"):
        assert name in str(err.value)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_unknown_scoring_lists_choices(engine: str) -> None:
    with pytest.raises(ValueError, match="unknown scoring 'bm42'") as err:
        build_engine(engine, KNOWN, "bm42", 1.2, 0.75)
    assert "atire, lucene, okapi" in str(err.value)


def test_get_scoring() -> None:
    assert get_scoring("okapi").name == "okapi"
    with pytest.raises(ValueError, match="choose one of atire, lucene, okapi"):
        get_scoring("Okapi")


# --- Title and section boosts through the index -----------------------------------------

BOOST_FILES = {
    # Source 1 says "Sochi" only in its title; source 2 once in a long paragraph.
    "a.txt": "Talks In Sochi\n\nThe ministers met and talked for hours about trade.\n",
    "b.txt": (
        "The ministers met in Sochi and then travelled on to Moscow, Minsk, Kiev and Berlin "
        "for many more rounds of long talks about trade, security and energy supplies.\n"
    ),
    # Source 3 says "Crimea" only in a section heading.
    "c.md": "Body first.\n\n## Crimea\n\nThe peninsula was not discussed at the meeting.\n",
    # Filler, so that no term is in half the passages (rank-bm25's idf is 0 there).
    "d.txt": "Bread needs flour.\n\nPizza needs cheese.\n\nRain falls in autumn.\n",
}


def build_index(settings: RetrievalSettings, title_weight: int, section_weight: int) -> SearchIndex:
    index_settings = dataclasses.replace(
        settings.index, title_weight=title_weight, section_weight=section_weight
    )
    settings = dataclasses.replace(settings, index=index_settings)
    return build(settings)


def ranked(index: SearchIndex, terms: Sequence[str]) -> list[str]:
    return [s.passage.source for s in index.search(terms, 10)]


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_title_weight_changes_ranking(tiny_corpus: TinyCorpus, engine: str) -> None:
    settings = tiny_corpus(BOOST_FILES)
    settings = dataclasses.replace(
        settings, index=dataclasses.replace(settings.index, engine=cast(EngineName, engine))
    )
    terms = ["sochi"]
    assert ranked(build_index(settings, title_weight=0, section_weight=1), terms) == ["b.txt"]
    assert ranked(build_index(settings, title_weight=2, section_weight=1), terms) == [
        "a.txt",
        "b.txt",
    ]


def test_section_weight_changes_ranking(tiny_corpus: TinyCorpus) -> None:
    settings = tiny_corpus(BOOST_FILES)
    crimea = ["crimea"]
    assert ranked(build_index(settings, title_weight=1, section_weight=0), crimea) == []
    assert ranked(build_index(settings, title_weight=1, section_weight=2), crimea) == ["c.md"]


def test_indexed_terms_follow_weights(tiny_corpus: TinyCorpus) -> None:
    settings = tiny_corpus(BOOST_FILES)
    off = build_index(settings, title_weight=0, section_weight=0)
    on = build_index(settings, title_weight=1, section_weight=1)
    first = off.passages[0]
    assert first.source == "a.txt"
    assert "sochi" not in off.indexed_terms(first)
    assert "sochi" in on.indexed_terms(on.passages[0])
    crimea = next(p for p in on.passages if p.section == "Crimea")
    assert "crimea" in on.indexed_terms(crimea)
    assert "crimea" not in off.indexed_terms(crimea)


def test_title_weight_two_counts_twice(tiny_corpus: TinyCorpus) -> None:
    settings = tiny_corpus(BOOST_FILES)
    once = build_index(settings, title_weight=1, section_weight=1).search(["sochi"], 10)
    twice = build_index(settings, title_weight=2, section_weight=1).search(["sochi"], 10)
    score = {s.passage.source: s.score for s in once}
    score2 = {s.passage.source: s.score for s in twice}
    assert score2["a.txt"] > score["a.txt"]


def test_engine_and_scoring_names_are_the_settings_names() -> None:
    assert sorted(ENGINES) == sorted(get_args(EngineName))
    assert sorted(SCORINGS) == sorted(get_args(ScoringName))
