"""Tests for retrieval.evaluate.metrics against hand-computed trec_eval-style values."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from math import log2

import pytest

from retrieval.evaluate.metrics import EvalScores, evaluate_run, mrr_at_k, ndcg_at_k, recall_at_k

Metric = Callable[[Sequence[str], Mapping[str, int], int], float]

# Graded judgements for one query: a is highly relevant, b relevant, c marginal, x judged
# non-relevant; z is unjudged.
QRELS = {"a": 3, "b": 2, "c": 1, "x": 0}
RUN = ["b", "x", "a", "z", "c"]

# Ideal ranking a, b, c:  IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.26186 + 0.5 = 4.76186
IDCG = 3 + 2 / log2(3) + 1 / log2(4)


def test_ndcg_graded_example_at_3() -> None:
    # DCG@3 of b, x, a = 2/log2(2) + 0/log2(3) + 3/log2(4) = 2 + 0 + 1.5 = 3.5
    # nDCG@3 = 3.5 / 4.76186 = 0.73501
    assert ndcg_at_k(RUN, QRELS, 3) == pytest.approx(0.73501, abs=1e-5)
    assert ndcg_at_k(RUN, QRELS, 3) == pytest.approx(3.5 / IDCG)


def test_ndcg_graded_example_at_5() -> None:
    # DCG@5 adds c at rank 5: 3.5 + 1/log2(6) = 3.5 + 0.38685 = 3.88685; 3.88685 / 4.76186 = 0.81625
    assert ndcg_at_k(RUN, QRELS, 5) == pytest.approx(0.81625, abs=1e-5)


def test_ndcg_uses_linear_gain_not_exponential() -> None:
    # Linear: (1 + 2/log2(3)) / (2 + 1/log2(3)) = 2.26186 / 2.63093 = 0.85972.
    # With 2^g - 1 gains it would be (1 + 3/log2(3)) / (3 + 1/log2(3)) = 0.79671.
    assert ndcg_at_k(["low", "high"], {"high": 2, "low": 1}, 10) == pytest.approx(0.85972, abs=1e-5)


def test_ndcg_perfect_ranking_is_one() -> None:
    assert ndcg_at_k(["a", "b", "c"], QRELS, 10) == pytest.approx(1.0)


def test_ndcg_ideal_counts_relevant_docs_missing_from_run() -> None:
    # Only a is retrieved; the ideal still holds a and b: 1 / (1 + 1/log2(3)) = 0.61315
    assert ndcg_at_k(["a"], {"a": 1, "b": 1}, 10) == pytest.approx(0.61315, abs=1e-5)


def test_ndcg_k_larger_than_run() -> None:
    # Only a at rank 1: DCG = 3; IDCG over all three relevant docs = 4.76186 -> 0.63001
    assert ndcg_at_k(["a"], QRELS, 100) == pytest.approx(0.63001, abs=1e-5)


def test_ndcg_negative_grade_counts_as_non_relevant() -> None:
    # a (grade -1) gains nothing at rank 1; b at rank 2 gives 1/log2(3) = 0.63093; IDCG = 1
    assert ndcg_at_k(["a", "b"], {"a": -1, "b": 1}, 10) == pytest.approx(0.63093, abs=1e-5)


@pytest.mark.parametrize("qrels", [{}, {"x": 0}, {"x": -2}])
def test_no_relevant_docs_scores_zero(qrels: dict[str, int]) -> None:
    assert ndcg_at_k(["x", "y"], qrels, 10) == 0.0
    assert recall_at_k(["x", "y"], qrels, 10) == 0.0
    assert mrr_at_k(["x", "y"], qrels, 10) == 0.0


def test_empty_run_scores_zero() -> None:
    assert ndcg_at_k([], QRELS, 10) == 0.0
    assert recall_at_k([], QRELS, 10) == 0.0
    assert mrr_at_k([], QRELS, 10) == 0.0


@pytest.mark.parametrize(("k", "expected"), [(1, 1 / 3), (2, 1 / 3), (3, 2 / 3), (5, 1.0)])
def test_recall_at_k(k: int, expected: float) -> None:
    # Relevant: a, b, c (x has grade 0). b at rank 1, a at rank 3, c at rank 5.
    assert recall_at_k(RUN, QRELS, k) == pytest.approx(expected)


def test_recall_k_larger_than_run() -> None:
    assert recall_at_k(["c", "z"], QRELS, 100) == pytest.approx(1 / 3)


@pytest.mark.parametrize(("k", "expected"), [(1, 0.0), (2, 0.0), (3, 1 / 3), (10, 1 / 3)])
def test_mrr_first_relevant_at_rank_3(k: int, expected: float) -> None:
    # x (grade 0) and z (unjudged) are not relevant; c at rank 3 is.
    assert mrr_at_k(["x", "z", "c", "a"], QRELS, k) == pytest.approx(expected)


def test_mrr_first_relevant_at_rank_1() -> None:
    assert mrr_at_k(RUN, QRELS, 1) == 1.0


@pytest.mark.parametrize("metric", [ndcg_at_k, recall_at_k, mrr_at_k])
@pytest.mark.parametrize("k", [0, -1])
def test_non_positive_k_is_rejected(metric: Metric, k: int) -> None:
    with pytest.raises(ValueError, match="k must be a positive integer"):
        metric(RUN, QRELS, k)


def test_duplicate_document_in_ranking_is_rejected() -> None:
    with pytest.raises(ValueError, match="'a' appears more than once"):
        ndcg_at_k(["a", "b", "a"], QRELS, 10)


def test_evaluate_run_averages_over_queries_with_relevant_docs() -> None:
    qrels = {
        "q1": QRELS,
        "q2": {"d": 1},
        "q3": {"e": 0},  # no relevant docs: skipped, as BEIR does
    }
    run = {"q1": RUN, "q2": ["z", "d"], "q3": ["e"], "unjudged": ["a"]}
    scores = evaluate_run(run, qrels)
    # q1: nDCG@10 = 0.81625 (as at k=5), recall 1, MRR 1.
    # q2: d at rank 2: nDCG@10 = (1/log2(3)) / 1 = 0.63093, recall 1, MRR 1/2.
    assert scores.queries == 2
    assert scores.ndcg_at_10 == pytest.approx((0.81625 + 0.63093) / 2, abs=1e-5)
    assert scores.recall_at_10 == pytest.approx(1.0)
    assert scores.recall_at_100 == pytest.approx(1.0)
    assert scores.mrr_at_10 == pytest.approx(0.75)


def test_evaluate_run_recall_at_100_reaches_past_rank_10() -> None:
    ranked = [f"z{i}" for i in range(10)] + ["d"]
    scores = evaluate_run({"q": ranked}, {"q": {"d": 1}})
    assert scores.recall_at_10 == 0.0
    assert scores.mrr_at_10 == 0.0
    assert scores.recall_at_100 == 1.0


def test_evaluate_run_counts_judged_query_missing_from_run_as_zero() -> None:
    scores = evaluate_run({"q1": ["a"]}, {"q1": {"a": 1}, "q2": {"b": 1}})
    assert scores.queries == 2
    assert scores.ndcg_at_10 == pytest.approx(0.5)
    assert scores.mrr_at_10 == pytest.approx(0.5)


def test_evaluate_run_without_judged_queries() -> None:
    assert evaluate_run({"q": ["a"]}, {}) == EvalScores(0.0, 0.0, 0.0, 0.0, queries=0)
    assert evaluate_run({"q": ["a"]}, {"q": {"a": 0}}).queries == 0


def test_as_json_keys_and_values() -> None:
    scores = EvalScores(
        ndcg_at_10=0.5, recall_at_10=0.25, recall_at_100=0.75, mrr_at_10=1.0, queries=3
    )
    assert scores.as_json() == {
        "ndcg@10": 0.5,
        "recall@10": 0.25,
        "recall@100": 0.75,
        "mrr@10": 1.0,
        "queries": 3,
    }
