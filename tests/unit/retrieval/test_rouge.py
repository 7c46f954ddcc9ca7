"""Tests for retrieval.evaluate.rouge against hand-computed ROUGE-1, ROUGE-2 and ROUGE-L values."""

from __future__ import annotations

import pytest

from retrieval.evaluate.rouge import RougeScore, RougeScores, rouge_l, rouge_multi, rouge_n


def tokens(text: str) -> list[str]:
    """Split on whitespace: the metrics take tokens, and this keeps examples readable."""
    return text.split()


CAT_SAT = tokens("the cat sat on the mat")
CAT_IS = tokens("the cat is on the mat")


def assert_score(actual: RougeScore, precision: float, recall: float, f1: float) -> None:
    assert actual.precision == pytest.approx(precision)
    assert actual.recall == pytest.approx(recall)
    assert actual.f1 == pytest.approx(f1)


def test_rouge1_same_length() -> None:
    # Shared unigrams: the x2, cat, on, mat = 5 of 6 on each side.
    assert_score(rouge_n(CAT_SAT, CAT_IS, 1), 5 / 6, 5 / 6, 5 / 6)


def test_rouge2_same_length() -> None:
    # Candidate bigrams: the-cat cat-sat sat-on on-the the-mat; reference: the-cat cat-is
    # is-on on-the the-mat. Shared: the-cat, on-the, the-mat = 3 of 5 on each side.
    assert_score(rouge_n(CAT_SAT, CAT_IS, 2), 3 / 5, 3 / 5, 3 / 5)


def test_rouge_l_same_length() -> None:
    # LCS = the cat on the mat (5 tokens).
    assert_score(rouge_l(CAT_SAT, CAT_IS), 5 / 6, 5 / 6, 5 / 6)


def test_short_candidate_precision_and_recall_differ() -> None:
    candidate = tokens("the cat")
    reference = tokens("the cat sat down")
    # ROUGE-1: 2 shared; P = 2/2, R = 2/4, F1 = 2 * 1 * 0.5 / 1.5 = 2/3
    assert_score(rouge_n(candidate, reference, 1), 1.0, 0.5, 2 / 3)
    # ROUGE-2: the-cat shared; P = 1/1, R = 1/3, F1 = 2 * (1/3) / (4/3) = 1/2
    assert_score(rouge_n(candidate, reference, 2), 1.0, 1 / 3, 0.5)
    # ROUGE-L: LCS 2; same as ROUGE-1 here
    assert_score(rouge_l(candidate, reference), 1.0, 0.5, 2 / 3)


def test_rouge_n_clips_repeated_ngrams() -> None:
    # "the" occurs 4 times in the candidate but once in the reference: overlap 1.
    # P = 1/4, R = 1/2, F1 = 2 * (1/8) / (3/4) = 1/3
    assert_score(rouge_n(["the"] * 4, ["the", "cat"], 1), 1 / 4, 1 / 2, 1 / 3)


def test_rouge_l_is_order_sensitive_and_gapped() -> None:
    # Gapped subsequence a c e: LCS 3 of 5.
    assert_score(rouge_l(tokens("a b c d e"), tokens("a x c y e")), 0.6, 0.6, 0.6)
    # Reversed: every unigram matches but the LCS is a single token.
    reversed_tokens = tokens("e d c b a")
    forward = tokens("a b c d e")
    assert rouge_n(reversed_tokens, forward, 1).f1 == pytest.approx(1.0)
    assert_score(rouge_l(reversed_tokens, forward), 0.2, 0.2, 0.2)


def test_rouge_l_is_symmetric_in_lcs_length() -> None:
    long = tokens("a b x c d y e")
    short = tokens("a c e")
    assert_score(rouge_l(short, long), 1.0, 3 / 7, 0.6)
    assert_score(rouge_l(long, short), 3 / 7, 1.0, 0.6)


def test_rouge_l_matches_each_token_once() -> None:
    # A repeated candidate token can pair with the single reference "the" only once: LCS 1.
    # P = 1/3, R = 1/1, F1 = 2 * (1/3) / (4/3) = 1/2
    assert_score(rouge_l(["the"] * 3, ["the"]), 1 / 3, 1.0, 0.5)


def test_rouge_l_textbook_lcs() -> None:
    # CLRS example: LCS of ABCBDAB and BDCABA has length 4 (e.g. BCBA).
    assert_score(rouge_l(list("ABCBDAB"), list("BDCABA")), 4 / 7, 4 / 6, 8 / 13)


def test_identical_sequences_score_one() -> None:
    assert_score(rouge_n(CAT_SAT, CAT_SAT, 2), 1.0, 1.0, 1.0)
    assert_score(rouge_l(CAT_SAT, CAT_SAT), 1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("candidate", "reference"),
    [([], CAT_IS), (CAT_SAT, []), ([], []), (["x", "y"], ["z"])],
)
def test_empty_or_disjoint_scores_zero(candidate: list[str], reference: list[str]) -> None:
    zero = RougeScore(0.0, 0.0, 0.0)
    assert rouge_n(candidate, reference, 1) == zero
    assert rouge_n(candidate, reference, 2) == zero
    assert rouge_l(candidate, reference) == zero


def test_candidate_shorter_than_n_has_no_ngrams() -> None:
    assert rouge_n(["the"], ["the", "cat"], 2) == RougeScore(0.0, 0.0, 0.0)


@pytest.mark.parametrize("n", [0, -1])
def test_non_positive_n_is_rejected(n: int) -> None:
    with pytest.raises(ValueError, match="n must be a positive integer"):
        rouge_n(CAT_SAT, CAT_IS, n)


def test_multi_takes_max_f1_not_mean() -> None:
    candidate = tokens("the cat sat")
    scores = rouge_multi(candidate, [tokens("a dog ran"), candidate])
    # The mean would be 0.5; the matching reference gives 1.
    assert scores == RougeScores(
        rouge1=RougeScore(1.0, 1.0, 1.0),
        rouge2=RougeScore(1.0, 1.0, 1.0),
        rouge_l=RougeScore(1.0, 1.0, 1.0),
    )


def test_multi_picks_best_reference_per_metric() -> None:
    candidate = tokens("a b c d")
    reordered = tokens("d c b a")  # ROUGE-1 F1 1, ROUGE-2 F1 0, ROUGE-L F1 1/4
    prefix = tokens("a b x y")  # ROUGE-1 F1 1/2, ROUGE-2 F1 1/3 (a-b), ROUGE-L F1 1/2
    scores = rouge_multi(candidate, [reordered, prefix])
    assert_score(scores.rouge1, 1.0, 1.0, 1.0)
    assert_score(scores.rouge2, 1 / 3, 1 / 3, 1 / 3)
    assert_score(scores.rouge_l, 0.5, 0.5, 0.5)


def test_multi_ranks_references_by_f1_not_recall() -> None:
    candidate = tokens("a b c d")
    short = tokens("a")  # ROUGE-1: P 1/4, R 1, F1 0.4 (best recall)
    overlapping = tokens("a b c x y z")  # ROUGE-1: P 3/4, R 1/2, F1 0.6 (best F1)
    assert_score(rouge_multi(candidate, [short, overlapping]).rouge1, 0.75, 0.5, 0.6)


def test_multi_single_reference_matches_pairwise() -> None:
    scores = rouge_multi(CAT_SAT, [CAT_IS])
    assert scores.rouge1 == rouge_n(CAT_SAT, CAT_IS, 1)
    assert scores.rouge2 == rouge_n(CAT_SAT, CAT_IS, 2)
    assert scores.rouge_l == rouge_l(CAT_SAT, CAT_IS)


def test_multi_without_references_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least one"):
        rouge_multi(CAT_SAT, [])
