"""ROUGE-N and ROUGE-L precision, recall and F1 between a candidate and reference token lists.

Definitions follow Lin (2004) as implemented by Google's ``rouge-score`` package, without its
tokenizer or stemmer: the caller passes tokens. ROUGE-N counts clipped n-gram overlap (an n-gram
matches at most as often as it occurs in the reference); ROUGE-L uses the longest common
subsequence over the whole sequence (sentence-level, not "rougeLsum"). F1 is the balanced
harmonic mean 2PR / (P + R); any score with an empty side is 0.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["RougeScore", "RougeScores", "rouge_l", "rouge_multi", "rouge_n"]


@dataclass(frozen=True)
class RougeScore:
    """Precision (against the candidate), recall (against the reference) and their F1."""

    precision: float
    recall: float
    f1: float


@dataclass(frozen=True)
class RougeScores:
    """ROUGE-1, ROUGE-2 and ROUGE-L of one candidate."""

    rouge1: RougeScore
    rouge2: RougeScore
    rouge_l: RougeScore


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> RougeScore:
    """Score clipped n-gram overlap between a candidate and one reference."""
    if n < 1:
        raise ValueError(f"n must be a positive integer, got {n}")
    candidate_ngrams = _ngrams(candidate, n)
    reference_ngrams = _ngrams(reference, n)
    overlap = sum((candidate_ngrams & reference_ngrams).values())
    return _score(overlap, candidate_ngrams.total(), reference_ngrams.total())


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> RougeScore:
    """Score the longest common subsequence between a candidate and one reference."""
    return _score(_lcs_length(candidate, reference), len(candidate), len(reference))


def rouge_multi(candidate: Sequence[str], references: Sequence[Sequence[str]]) -> RougeScores:
    """Score ROUGE-1, -2 and -L against several references, keeping the best F1 of each."""
    # Max, not mean, as rouge-score's score_multi and Lin's multi-reference ROUGE do: the
    # references are alternative correct answers, so matching any one of them well is
    # success, while a mean would punish a candidate for not also resembling the others.
    # Each metric picks its own best reference; ties go to the earliest reference.
    if not references:
        raise ValueError("references must hold at least one token sequence")

    def best(scores: list[RougeScore]) -> RougeScore:
        return max(scores, key=lambda score: score.f1)

    return RougeScores(
        rouge1=best([rouge_n(candidate, ref, 1) for ref in references]),
        rouge2=best([rouge_n(candidate, ref, 2) for ref in references]),
        rouge_l=best([rouge_l(candidate, ref) for ref in references]),
    )


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Return the length of the longest common subsequence, in O(len(a) * len(b)) time."""
    if len(a) < len(b):
        a, b = b, a  # keep the row as short as possible: memory is O(min(len(a), len(b)))
    previous = [0] * (len(b) + 1)
    for token_a in a:
        current = [0]
        for j, token_b in enumerate(b, 1):
            if token_a == token_b:
                current.append(previous[j - 1] + 1)
            else:
                current.append(max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def _score(overlap: int, candidate_count: int, reference_count: int) -> RougeScore:
    precision = overlap / candidate_count if candidate_count else 0.0
    recall = overlap / reference_count if reference_count else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return RougeScore(precision=precision, recall=recall, f1=f1)
