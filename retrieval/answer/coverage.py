"""The not-found rule: how much of a question a passage supports.

Each question term weighs what it tells: a term the sources use weighs its idf in them; a
word they never use weighs what words as common in general use (wordfreq, in the
question's language) weigh in these sources (`RarityScale`), so a rare name the sources
lack ("Eiffel") counts heavily against every passage and a common word they happen not
to use ("harmful", "kicked") only as much as their own common words; a number or symbol
that matches nothing ("<3") is ignored. A name (a capitalised word inside the
question) that a passage lacks counts `name_weight` times against it: people copy names
verbatim, so an answer almost always contains them (a name it has counts once, so "the
population of Sochi" is not answered by every passage about Sochi). Words that only name
the kind of answer ("what year", "which country") and interrogatives do not count
against a passage that lacks them (see answer_type.py). A term the sources never use that a
passage has in another form (variants.py: "borsasına" where the passage says "borsası")
counts as matched for `variants.CREDIT` of its weight and missing for the rest.

A passage's support is the weighted share of the question it matches, half over the
whole passage and half over its best window of `window` sentences (its title and section
count half in every window), so matched terms that sit together count for more than the same
terms scattered. A passage answers when its support reaches `answers.min_coverage`.
The settings were chosen on XQuAD's even-numbered articles with MS MARCO, the seeds and
web pages beside, and checked on the odd ones (README, "Not found").
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from retrieval.answer.variants import CREDIT


@dataclass(frozen=True)
class QuestionTerm:
    """One search term of a question and how much it counts toward an answer."""

    term: str
    weight: float
    counts: bool  # False: counts only where a passage has it (answer-type words, interrogatives)
    missing_weight: float = -1.0  # what it counts against a passage that lacks it (-1: weight)
    variant: str = ""  # prefix of its variants, for a term the sources never use (variants.py)

    @property
    def against(self) -> float:
        """Return how much the term counts against a passage that lacks it."""
        return self.weight if self.missing_weight < 0 else self.missing_weight


CONTEXT_SHARE = 0.5  # what a title or section term counts in a window that lacks it
# How specific a word is in general use scales its weight: Zipf 4 ("engine") counts its
# idf, 5.5 ("time") half of it, 6.4 and up a fifth, 2.5 and down (rare words, names) one
# and a half times (README, "Not found": chosen on XQuAD's even articles, 12 languages).
SPECIFIC_ZIPF = 7.0
SPECIFIC_SPAN = 3.0
SPECIFIC_RANGE = (0.2, 1.5)
# A unit of a script written without spaces (a Chinese bigram) rarer than this in general
# use is no word but a pair of characters across two words ("院运" of "剧院运营").
UNIT_WORD_ZIPF = 1.5
ZIPF_BIN = 0.5  # width of the general-frequency bins the sources' idf is averaged over
ZIPF_BINS = 18  # 0 to 9: wordfreq's Zipf scale
SAMPLE_WORDS = 20_000


class RarityScale:
    """The idf that words as common in general use as a given word have in these sources.

    Fitted on the sources' own words: their Zipf frequency in a language (wordfreq) against
    their idf in the sources, averaged per half-Zipf bin and made non-increasing (a word
    more common in general use never weighs more). A word the sources never use weighs
    what words of its general frequency weigh here: on the sources' own scale, whatever
    their size, so in two articles "harmful" weighs like the sources' other common words,
    not like their rarest name.
    """

    def __init__(self, pairs: Iterable[tuple[float, float]], rarest: float) -> None:
        sums = [0.0] * ZIPF_BINS
        counts = [0] * ZIPF_BINS
        for zipf, idf in pairs:
            b = min(int(zipf / ZIPF_BIN), ZIPF_BINS - 1)
            sums[b] += idf
            counts[b] += 1
        self.rarest = rarest
        means: list[float | None] = [
            s / c if c else None for s, c in zip(sums, counts, strict=True)
        ]
        weights: list[float] = []
        previous = rarest
        for mean in means:
            value = previous if mean is None else min(mean, previous)
            weights.append(value)
            previous = value
        self.weights = weights

    @classmethod
    def from_saved(cls, saved: dict[str, object]) -> RarityScale:
        """Return the scale `saved` gave; ValueError when it is not one."""
        weights, rarest = saved.get("weights"), saved.get("rarest")
        if (
            not isinstance(weights, list)
            or len(weights) != ZIPF_BINS
            or not all(type(w) is float for w in weights)
            or type(rarest) is not float
        ):
            raise ValueError("not a saved rarity scale")
        scale = cls((), rarest)
        scale.weights = list(weights)
        return scale

    def saved(self) -> dict[str, object]:
        """Return the scale as JSON-able data (floats written as repr: read back exactly)."""
        return {"weights": list(self.weights), "rarest": self.rarest}

    def weight(self, zipf: float | None) -> float:
        """Return the weight of a word of this general frequency (None: no word list)."""
        if zipf is None:
            return self.rarest
        return self.weights[min(int(max(zipf, 0.0) / ZIPF_BIN), ZIPF_BINS - 1)]


def specificity(zipf: float | None) -> float:
    """Return the factor a word of this general frequency weighs by (None: no word list)."""
    if zipf is None:
        return 1.0
    low, high = SPECIFIC_RANGE
    return min(max((SPECIFIC_ZIPF - zipf) / SPECIFIC_SPAN, low), high)


def support(
    terms: Sequence[QuestionTerm],
    passage_terms: Collection[str],
    sentence_terms: Sequence[Collection[str]],
    context_terms: Collection[str],
    window: int,
    proximity: float,
    variants: Collection[str] = (),
) -> float:
    """Return the share of the question a passage supports (0-1), see the module docstring.

    passage_terms: every term the passage is indexed under; sentence_terms: the question
    terms of each of its sentences, in order; context_terms: those of its title and section;
    variants: the question terms the passage has only in another form (also named in
    passage_terms and sentence_terms where that form stands).
    """
    total = matched = 0.0
    for t in terms:
        if t.term in variants:
            total += CREDIT * t.weight + ((1 - CREDIT) * t.against if t.counts else 0.0)
            matched += CREDIT * t.weight
        elif t.term in passage_terms:
            total += t.weight
            matched += t.weight
        elif t.counts:
            total += t.against
    if total <= 0:
        return 0.0
    if proximity <= 0 or matched <= 0:
        return matched / total
    return (
        (1 - proximity) * matched
        + proximity * _best_window(terms, sentence_terms, context_terms, window, variants)
    ) / total


def _best_window(
    terms: Sequence[QuestionTerm],
    sentence_terms: Sequence[Collection[str]],
    context_terms: Collection[str],
    window: int,
    variants: Collection[str] = (),
) -> float:
    """Return the weight the best run of `window` sentences matches (a variant CREDIT of it).

    A term the run lacks but the passage's title or section has counts CONTEXT_SHARE of
    its weight: it helps, but does not make every passage of a source match.
    """
    best = 0.0
    for start in range(max(len(sentence_terms) - window + 1, 1)):
        run = sentence_terms[start : start + window]
        weight = 0.0
        for t in terms:
            if any(t.term in s for s in run):
                weight += CREDIT * t.weight if t.term in variants else t.weight
            elif t.term in context_terms:
                weight += CONTEXT_SHARE * t.weight
        best = max(best, weight)
    return best


def proximity_needed(coverage: float, threshold: float, proximity: float) -> float:
    """Return the window share a passage with this coverage needs to reach the threshold.

    Support is (1 - proximity) * coverage + proximity * window share, and the window share
    is at most the coverage: a passage below the threshold in coverage never qualifies, and
    one far above it qualifies whatever its window, so most passages need no sentences.
    """
    if proximity <= 0:
        return 0.0 if coverage >= threshold else math.inf
    return (threshold - (1 - proximity) * coverage) / proximity
