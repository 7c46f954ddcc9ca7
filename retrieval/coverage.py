"""The not-found rule: how much of a question a passage supports.

Each question term weighs what it tells: a term the sources use weighs its idf in them;
a word they never use weighs the idf it would have if the sources used it as often as
general use in the question's language does (wordfreq), so a rare name the sources lack
("Eiffel") counts heavily against every passage and a common verb they happen not to use
("kicked", "want") much less; numbers are weighed the same way, so a stray "3" hardly
counts. Names (capitalised words inside the question) weigh `name_weight` times as much:
people copy names verbatim, so an answer almost always contains them. Words that only
name the kind of answer ("what year", "which country") and interrogatives do not count
against a passage that lacks them (see answer_type.py).

A passage's support is the weighted share of the question it matches, half over the
whole passage and half over its best window of `window` sentences (its title and section
count in every window), so matched terms that sit together count for more than the same
terms scattered. A passage answers when its support reaches `answers.min_coverage`.
The settings were chosen on XQuAD, MS MARCO, the seeds and web pages (README,
"Not found").
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class QuestionTerm:
    """One search term of a question and how much it counts toward an answer."""

    term: str
    weight: float
    counts: bool  # False: counts only where a passage has it (answer-type words, interrogatives)


def unseen_weight(zipf: float | None, n_passages: int, passage_words: float) -> float:
    """Return the idf a word the sources never use would have at its general-use rate.

    zipf is the word's Zipf frequency in the question's language (None: no word list,
    then the word weighs as the rarest term could). The expected number of passages
    holding it, n * (1 - exp(-p * L)) for a word of probability p in passages of L words,
    stands in for its document frequency in Lucene's idf.
    """
    expected = 0.0
    if zipf is not None:
        p = 10.0 ** (zipf - 9.0) if zipf > 0 else 1e-9
        expected = n_passages * -math.expm1(-p * passage_words)
    return math.log1p((n_passages - expected + 0.5) / (expected + 0.5))


def support(
    terms: Sequence[QuestionTerm],
    passage_terms: Collection[str],
    sentence_terms: Sequence[Collection[str]],
    context_terms: Collection[str],
    window: int,
    proximity: float,
) -> float:
    """Return the share of the question a passage supports (0-1), see the module docstring.

    passage_terms: every term the passage is indexed under; sentence_terms: the question
    terms of each of its sentences, in order; context_terms: those of its title and section.
    """
    total = matched = 0.0
    for t in terms:
        present = t.term in passage_terms
        if t.counts or present:
            total += t.weight
        if present:
            matched += t.weight
    if total <= 0:
        return 0.0
    if proximity <= 0 or matched <= 0:
        return matched / total
    return (
        (1 - proximity) * matched
        + proximity * _best_window(terms, sentence_terms, context_terms, window)
    ) / total


def _best_window(
    terms: Sequence[QuestionTerm],
    sentence_terms: Sequence[Collection[str]],
    context_terms: Collection[str],
    window: int,
) -> float:
    """Return the weight the best run of `window` sentences matches, with the context."""
    context = sum(t.weight for t in terms if t.term in context_terms)
    best = 0.0
    for start in range(max(len(sentence_terms) - window + 1, 1)):
        run = sentence_terms[start : start + window]
        weight = sum(
            t.weight for t in terms if t.term not in context_terms and any(t.term in s for s in run)
        )
        best = max(best, weight)
    return best + context


def proximity_needed(coverage: float, threshold: float, proximity: float) -> float:
    """Return the window share a passage with this coverage needs to reach the threshold.

    Support is (1 - proximity) * coverage + proximity * window share, and the window share
    is at most the coverage: a passage below the threshold in coverage never qualifies, and
    one far above it qualifies whatever its window, so most passages need no sentences.
    """
    if proximity <= 0:
        return 0.0 if coverage >= threshold else math.inf
    return (threshold - (1 - proximity) * coverage) / proximity
