"""Score extractive summaries with ROUGE against reference summaries, beside baselines.

Baselines at the same number of sentences N: lead-N (the source's first N sentences),
LexRank (PageRank over thresholded TF-IDF cosine, Erkan & Radev 2004) and TextRank
(PageRank over normalised word overlap, Mihalcea & Tarau 2004). All see the same
candidate sentences; ROUGE uses stemmed tokens with stopwords kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.answer.summaries import (
    Candidate,
    candidates,
    pagerank,
    summarize_source,
    tfidf_matrix,
)
from retrieval.evaluate.rouge import rouge_multi
from retrieval.model import Source
from retrieval.settings import SummarySettings
from retrieval.text.sentences import split_sentences
from retrieval.text.tokenize import Tokenizer

LEXRANK_THRESHOLD = 0.1

Summarizer = Callable[[Source, int], list[str]]


def lead_n(source: Source, n: int) -> list[str]:
    """Return the first n sentences of a source."""
    out: list[str] = []
    for para in source.paragraphs:
        out.extend(split_sentences(para.text))
        if len(out) >= n:
            break
    return out[:n]


def _graph_pick(cands: list[Candidate], similarity: np.ndarray, n: int) -> list[str]:
    rank = pagerank(similarity)
    top = sorted(np.argsort(-rank, kind="stable")[:n])
    return [cands[i].text for i in top]


def lexrank(tokenizer: Tokenizer) -> Summarizer:
    """Return a LexRank summarizer (threshold 0.1, no position prior, no MMR)."""

    def run(source: Source, n: int) -> list[str]:
        cands = candidates(source, tokenizer)
        vectors = tfidf_matrix([c.terms for c in cands])
        sim = vectors @ vectors.T
        return _graph_pick(cands, (sim > LEXRANK_THRESHOLD).astype(float), n)

    return run


def textrank(tokenizer: Tokenizer) -> Summarizer:
    """Return a TextRank summarizer (word overlap over log lengths)."""

    def run(source: Source, n: int) -> list[str]:
        cands = candidates(source, tokenizer)
        sets = [set(c.terms) for c in cands]
        size = len(cands)
        sim = np.zeros((size, size))
        for i in range(size):
            for j in range(size):
                denom = math.log(len(cands[i].terms) + 1) + math.log(len(cands[j].terms) + 1)
                if i != j and denom > 0:
                    sim[i, j] = len(sets[i] & sets[j]) / denom
        return _graph_pick(cands, sim, n)

    return run


def ours(tokenizer: Tokenizer, settings: SummarySettings) -> Summarizer:
    """Return sourcebot's summarizer as a baseline-shaped function."""

    def run(source: Source, n: int) -> list[str]:
        return [s.text for s in summarize_source(source, tokenizer, settings, n)]

    return run


@dataclass(frozen=True)
class RougeRow:
    """Mean ROUGE F1 of one summarizer over the sources that have references."""

    name: str
    rouge1: float
    rouge2: float
    rouge_l: float


def compare(
    sources: Sequence[Source],
    references: Mapping[str, Sequence[str]],
    settings: SummarySettings,
    n: int,
) -> list[RougeRow]:
    """Return ROUGE rows for sourcebot and the three baselines at n sentences."""
    scorer = Tokenizer(stem=True, stopwords=False)
    tokenizer = Tokenizer()
    systems: dict[str, Summarizer] = {
        "sourcebot": ours(tokenizer, settings),
        f"lead-{n}": lead_n,
        "lexrank": lexrank(tokenizer),
        "textrank": textrank(tokenizer),
    }
    judged = [s for s in sources if s.file in references]
    rows: list[RougeRow] = []
    for name, system in systems.items():
        totals = np.zeros(3)
        for source in judged:
            summary = scorer.tokenize(" ".join(system(source, n)))
            refs = [scorer.tokenize(r) for r in references[source.file]]
            scores = rouge_multi(summary, refs)
            totals += [scores.rouge1.f1, scores.rouge2.f1, scores.rouge_l.f1]
        mean = totals / max(len(judged), 1)
        rows.append(RougeRow(name, *(float(x) for x in mean)))
    return rows
