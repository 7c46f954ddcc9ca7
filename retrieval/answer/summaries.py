"""Extractive summaries: the most central sentences of a source, of all sources, or of a topic.

Sentences are the nodes of a LexRank-style graph weighted by TF-IDF cosine similarity;
centrality (PageRank) is blended with a lead-position prior, because news and analysis put
their point first. Redundant picks are dropped by maximal marginal relevance (MMR), and
the chosen sentences come back in document order with their source and paragraph. Only
body sentences are candidates: headings, bylines and furniture never reach this point,
and questions, fragments and footnotes are left out. Each sentence carries its citation
(source number, section, page) and the link to its place in the original (locators.py).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.answer.locators import BEFORE_CHARS, quote_link
from retrieval.model import Source, Summary, SummarySentence
from retrieval.settings import SummarySettings
from retrieval.text.sentences import split_sentences
from retrieval.text.tokenize import Tokenizer

Matrix = npt.NDArray[np.float64]

MIN_WORDS = 6
# Sentences ranked at most: the similarity graph is quadratic (a 250,000-sentence dump
# would need 466 GiB), and past this many the lead prior has decided anyway.
MAX_CANDIDATES = 1000
_FOOTNOTE = re.compile(r"^\d{1,3}\.\s")
DAMPING = 0.85


@dataclass(frozen=True)
class Candidate:
    """A sentence that may go into a summary, with its place in its source."""

    text: str
    source: Source
    paragraph: int
    position: int  # 0-based sentence number within its source
    terms: tuple[str, ...]


def candidates(source: Source, tokenizer: Tokenizer, limit: int | None = None) -> list[Candidate]:
    """Return the sentences of a source that are fit to quote in a summary (the first `limit`)."""
    out: list[Candidate] = []
    position = 0
    for para in source.paragraphs:
        if _FOOTNOTE.match(para.text):
            continue
        for sentence in split_sentences(para.text, tokenizer.language):
            position += 1
            if len(sentence.split()) < MIN_WORDS or sentence.rstrip("”’\"')").endswith("?"):
                continue
            terms = tuple(tokenizer.tokenize(sentence))
            if terms:
                out.append(Candidate(sentence, source, para.number, position - 1, terms))
                if len(out) == limit:
                    return out
    return out


def tfidf_matrix(docs: Sequence[Sequence[str]]) -> Matrix:
    """Return L2-normalised TF-IDF rows, one per document, over the documents' vocabulary."""
    vocab: dict[str, int] = {}
    for doc in docs:
        for t in doc:
            vocab.setdefault(t, len(vocab))
    m = np.zeros((len(docs), max(len(vocab), 1)))
    df: Counter[str] = Counter(t for doc in docs for t in set(doc))
    n = len(docs)
    for i, doc in enumerate(docs):
        for t, tf in Counter(doc).items():
            m[i, vocab[t]] = (1 + math.log(tf)) * math.log((n + 1) / (df[t] + 0.5))
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1, norms)


def pagerank(similarity: Matrix, teleport: npt.NDArray[np.float64] | None = None) -> Matrix:
    """Return the stationary distribution of a random walk on a similarity graph."""
    n = similarity.shape[0]
    weights = similarity.copy()
    np.fill_diagonal(weights, 0)
    rows = weights.sum(axis=1, keepdims=True)
    uniform = np.full((n, n), 1 / n)
    transition = np.where(rows > 0, weights / np.where(rows == 0, 1, rows), uniform)
    jump = np.full(n, 1 / n) if teleport is None else teleport / teleport.sum()
    rank = np.full(n, 1 / n)
    for _ in range(100):
        new = (1 - DAMPING) * jump + DAMPING * rank @ transition
        if np.abs(new - rank).sum() < 1e-9:
            return new
        rank = new
    return rank


def _normalise(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    top = float(x.max()) if x.size else 0.0
    return x / top if top > 0 else x


def rank_sentences(
    cands: Sequence[Candidate],
    settings: SummarySettings,
    topic: Sequence[str] = (),
) -> tuple[npt.NDArray[np.float64], Matrix]:
    """Return each candidate's score (centrality, lead prior, topic) and their similarities."""
    vectors = tfidf_matrix([c.terms for c in cands])
    similarity = vectors @ vectors.T
    relevance = None
    if topic:
        wanted = set(topic)
        relevance = np.array([len(wanted & set(c.terms)) / len(wanted) for c in cands]) + 1e-3
    centrality = _normalise(pagerank(similarity, relevance))
    lead = np.array([1 / math.sqrt(1 + c.position) for c in cands])
    score = (1 - settings.lead_weight) * centrality + settings.lead_weight * lead
    if relevance is not None:
        score = score * relevance
    return score, similarity


def mmr_select(
    score: npt.NDArray[np.float64], similarity: Matrix, k: int, balance: float
) -> list[int]:
    """Return up to k indices by maximal marginal relevance (balance 1 = score only)."""
    chosen: list[int] = []
    left = set(range(len(score)))
    while left and len(chosen) < k:

        def mmr(i: int) -> float:
            overlap = max((similarity[i, j] for j in chosen), default=0.0)
            return float(balance * score[i] - (1 - balance) * overlap)

        best = max(sorted(left), key=mmr)
        chosen.append(best)
        left.remove(best)
    return chosen


def _earlier(source: Source, paragraph: int) -> str:
    """Return up to BEFORE_CHARS of a source's text before one of its paragraphs."""
    parts: list[str] = []
    size = 0
    for i in range(paragraph - 2, -1, -1):
        text = source.paragraphs[i].text
        parts.append(text)
        size += len(text)
        if size >= BEFORE_CHARS:
            break
    return "\n".join(reversed(parts))


def _sentence(c: Candidate) -> SummarySentence:
    """Return a chosen candidate with its citation: section, page and link."""
    para = c.source.paragraphs[c.paragraph - 1]
    link = quote_link(
        c.source.meta.url, c.text, para.text, para.page, lambda: _earlier(c.source, c.paragraph)
    )
    return SummarySentence(
        c.text,
        c.source.file,
        c.paragraph,
        c.source.meta,
        number=c.source.number,
        position=c.position,
        section=para.section,
        page=para.page,
        link=link,
    )


def _sentences(picked: Sequence[Candidate]) -> tuple[SummarySentence, ...]:
    ordered = sorted(picked, key=lambda c: (c.source.number, c.position))
    return tuple(_sentence(c) for c in ordered)


def summarize_source(
    source: Source, tokenizer: Tokenizer, settings: SummarySettings, n: int
) -> tuple[SummarySentence, ...]:
    """Return the n sentences that best summarise one source, in document order."""
    cands = candidates(source, tokenizer, MAX_CANDIDATES)
    if not cands:
        return ()
    score, similarity = rank_sentences(cands, settings)
    return _sentences([cands[i] for i in mmr_select(score, similarity, n, settings.redundancy)])


def summarize(
    sources: Sequence[Source],
    tokenizer: Tokenizer,
    settings: SummarySettings,
    source: Source | None = None,
    topic: str | None = None,
    max_sentences: int | None = None,
    language_of: Callable[[str], str | None] | None = None,
) -> Summary:
    """Return a summary of one source, of every source (labelled), or of a topic across them.

    `tokenizer` is the topic's; `language_of(file)` gives each source's language.
    """

    def tok(src: Source) -> Tokenizer:
        return tokenizer.for_language(language_of(src.file)) if language_of else tokenizer

    if topic:
        n = max_sentences or settings.sentences
        terms = tuple(dict.fromkeys(tokenizer.tokenize(topic)))
        pool = [c for s in ([source] if source else sources) for c in candidates(s, tok(s))]
        pool = [c for c in pool if set(c.terms) & set(terms)]
        if len(pool) > MAX_CANDIDATES:  # keep those with most topic words, in order
            wanted = set(terms)
            best = sorted(range(len(pool)), key=lambda i: -len(wanted & set(pool[i].terms)))
            pool = [pool[i] for i in sorted(best[:MAX_CANDIDATES])]
        if not pool:
            return Summary(source.file if source else None, topic, ())
        score, similarity = rank_sentences(pool, settings, terms)
        picked = [pool[i] for i in mmr_select(score, similarity, n, settings.redundancy)]
        return Summary(source.file if source else None, topic, _sentences(picked))
    if source is not None:
        n = max_sentences or settings.sentences
        return Summary(source.file, None, summarize_source(source, tok(source), settings, n))
    n = max_sentences or settings.per_source
    sentences = tuple(s for src in sources for s in summarize_source(src, tok(src), settings, n))
    return Summary(None, None, sentences)
