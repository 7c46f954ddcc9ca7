"""Ranking metrics over graded relevance: nDCG@k, recall@k, MRR@k and a whole-run summary.

Definitions follow trec_eval as wrapped by pytrec_eval (and so BEIR): nDCG uses the grade
itself as the gain (``ndcg_cut``, not 2^grade - 1) with a log2(rank + 1) discount, and the
ideal DCG comes from the judged grades; a document with grade <= 0, or with no judgement at
all, is non-relevant. A ranking is a sequence of document ids, best first.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "EvalScores",
    "evaluate_run",
    "mrr_at_k",
    "ndcg_at_k",
    "recall_at_k",
]


@dataclass(frozen=True)
class EvalScores:
    """Mean metrics over the judged queries of one run."""

    ndcg_at_10: float
    recall_at_10: float
    recall_at_100: float
    mrr_at_10: float
    queries: int

    def as_json(self) -> dict[str, float | int]:
        """Return the scores keyed by their conventional names, e.g. "ndcg@10"."""
        return {
            "ndcg@10": self.ndcg_at_10,
            "recall@10": self.recall_at_10,
            "recall@100": self.recall_at_100,
            "mrr@10": self.mrr_at_10,
            "queries": self.queries,
        }


def ndcg_at_k(ranked_ids: Sequence[str], qrels: Mapping[str, int], k: int) -> float:
    """Return nDCG@k of a ranking, with linear gains and a log2(rank + 1) discount."""
    top = _top_k(ranked_ids, k)
    dcg = sum(_gain(qrels, doc_id) / math.log2(rank + 1) for rank, doc_id in enumerate(top, 1))
    ideal_gains = sorted((grade for grade in qrels.values() if grade > 0), reverse=True)[:k]
    ideal_dcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(ideal_gains, 1))
    return dcg / ideal_dcg if ideal_dcg > 0 else 0.0


def recall_at_k(ranked_ids: Sequence[str], qrels: Mapping[str, int], k: int) -> float:
    """Return the fraction of relevant documents (grade > 0) found in the top k."""
    top = _top_k(ranked_ids, k)
    relevant = sum(1 for grade in qrels.values() if grade > 0)
    if relevant == 0:
        return 0.0
    return sum(1 for doc_id in top if _gain(qrels, doc_id) > 0) / relevant


def mrr_at_k(ranked_ids: Sequence[str], qrels: Mapping[str, int], k: int) -> float:
    """Return the reciprocal rank of the first relevant document in the top k, else 0."""
    for rank, doc_id in enumerate(_top_k(ranked_ids, k), 1):
        if _gain(qrels, doc_id) > 0:
            return 1.0 / rank
    return 0.0


def evaluate_run(
    run: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]
) -> EvalScores:
    """Average nDCG@10, recall@10, recall@100 and MRR@10 over the queries with relevant docs."""
    # As BEIR does, a query whose judgements are all non-relevant is left out: every metric
    # would be 0 for any ranking, so it only dilutes the mean.
    judged = [qid for qid, grades in qrels.items() if any(g > 0 for g in grades.values())]
    if not judged:
        return EvalScores(0.0, 0.0, 0.0, 0.0, queries=0)
    ndcg10 = recall10 = recall100 = mrr10 = 0.0
    for qid in judged:
        # A judged query the engine returned nothing for scores 0 (trec_eval -c), so an
        # engine cannot raise its mean by skipping hard queries.
        ranked = run.get(qid, ())
        grades = qrels[qid]
        ndcg10 += ndcg_at_k(ranked, grades, 10)
        recall10 += recall_at_k(ranked, grades, 10)
        recall100 += recall_at_k(ranked, grades, 100)
        mrr10 += mrr_at_k(ranked, grades, 10)
    n = len(judged)
    return EvalScores(
        ndcg_at_10=ndcg10 / n,
        recall_at_10=recall10 / n,
        recall_at_100=recall100 / n,
        mrr_at_10=mrr10 / n,
        queries=n,
    )


def _top_k(ranked_ids: Sequence[str], k: int) -> Sequence[str]:
    """Return the first k ids, rejecting a non-positive k or a document ranked twice."""
    if k < 1:
        raise ValueError(f"k must be a positive integer, got {k}")
    top = ranked_ids[:k]
    seen: set[str] = set()
    for doc_id in top:
        if doc_id in seen:
            # trec_eval refuses duplicates too: a relevant doc counted twice inflates every metric.
            raise ValueError(f"document {doc_id!r} appears more than once in the ranking")
        seen.add(doc_id)
    return top


def _gain(qrels: Mapping[str, int], doc_id: str) -> int:
    """Return the grade of a document, counting unjudged and negative grades as 0."""
    return max(qrels.get(doc_id, 0), 0)
