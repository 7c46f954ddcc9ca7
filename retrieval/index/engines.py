"""BM25 engines behind one interface: the fast default and the references.

`sparse` (default) precomputes every term's BM25 impact per passage into a compressed
term -> postings layout (the bm25s idea), so a question costs only its terms' postings.
`rank-bm25` wraps the design card's package as the reference implementation; `bm25s`
wraps that library for comparison. All take the same term lists from our tokenizer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import ClassVar, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from retrieval.index.scoring import get_scoring, length_norm

IntArray = npt.NDArray[np.int64]
# A query whose postings number less than 1/SPARSE_SHARE of the passages is scored over
# its matching passages alone: clearing and scanning a dense array of every score costs
# more than finding the distinct passages of a few postings. At 1/8 (the first choice),
# np.unique over up to 125,000 postings a question took 9 ms at 1M passages and made the
# answer's p50 10.5 ms against 7.6 ms with no sparse path; at 1/32, 7.4 ms. A single
# term's postings need no np.unique at all (they are the matches, in passage order).
SPARSE_SHARE = 32
# A query with common terms (each in 1/SPARSE_SHARE of the passages or more) is first
# scored over the passages of its other, rare terms alone, when their postings are under
# 1/SPARSE_SHARE of the passages too: the common terms are looked up for those passages
# only. That is the exact top k when no other passage can reach it: the common terms'
# largest weights added up stay under the k-th best score found (MaxScore, Turtle and
# Flood 1995). Otherwise every passage is scored. At 1M passages (1,000 bench questions,
# the search alone): mean 5.5 ms always dense, 4.0 ms with this (1/8 of the passages as
# the limit: 6.1 ms, the common terms' lookups outweighing the dense array; 1/64: 3.8 ms).


class SearchResults(NamedTuple):
    """Top passages for one query: ids and scores, best first."""

    ids: IntArray
    scores: npt.NDArray[np.float64]


class Engine(Protocol):
    """What the index needs from a BM25 engine."""

    name: ClassVar[str]

    def __len__(self) -> int: ...

    def search(self, terms: Sequence[str], k: int) -> SearchResults:
        """Return the k best passages for the terms (positive scores only)."""
        ...

    def scores(self, terms: Sequence[str]) -> npt.NDArray[np.floating]:
        """Return every passage's score for the terms (0 where none match)."""
        ...

    def doc_freq(self, term: str) -> int:
        """Return in how many passages term occurs."""
        ...

    def doc_freqs(self, terms: Sequence[str]) -> list[int]:
        """Return doc_freq of each term, in order."""
        ...


def top_k(scores: npt.NDArray[np.floating], k: int) -> SearchResults:
    """Return the k highest positive scores, best first, ties broken by lower id."""
    candidates = np.flatnonzero(scores > 0)
    if candidates.size == 0 or k <= 0:
        return SearchResults(np.empty(0, np.int64), np.empty(0, np.float64))
    if candidates.size > k:
        # The k-th best score, then every passage above it and the lowest ids of those at
        # it (argpartition alone would pick among ties at the k-th place by array layout).
        values = scores[candidates]
        kth = -np.partition(-values, k - 1)[k - 1]
        above = candidates[values > kth]
        tied = candidates[values == kth][: k - len(above)]
        candidates = np.concatenate((above, tied))
    order = np.lexsort((candidates, -scores[candidates]))
    chosen = candidates[order].astype(np.int64)
    return SearchResults(chosen, scores[chosen].astype(np.float64))


class SparseEngine:
    """Precomputed BM25 impacts in a term-major compressed layout (CSC)."""

    name: ClassVar[str] = "sparse"

    def __init__(
        self,
        vocab: dict[str, int],
        indptr: npt.NDArray[np.int64],
        doc_ids: npt.NDArray[np.int32],
        weights: npt.NDArray[np.float32],
        n_docs: int,
    ) -> None:
        self.vocab = vocab
        self.indptr = indptr
        self.doc_ids = doc_ids
        self.weights = weights
        self.n_docs = n_docs
        self._max_weights: dict[int, float] = {}  # a common term's largest weight, by its lo

    @classmethod
    def build(
        cls, corpus: Sequence[Sequence[str]], scoring: str, k1: float, b: float
    ) -> SparseEngine:
        """Return an engine over the tokenized corpus."""
        vocab: dict[str, int] = {}
        terms: list[int] = []
        tfs: list[int] = []
        offsets = [0]
        for doc in corpus:
            counts = Counter(vocab.setdefault(t, len(vocab)) for t in doc)
            terms += counts.keys()
            tfs += counts.values()
            offsets.append(len(terms))
        return cls.from_forward(
            vocab,
            np.asarray(terms, np.int32),
            np.asarray(tfs, np.int32),
            np.asarray(offsets, np.int64),
            scoring,
            k1,
            b,
        )

    @classmethod
    def from_forward(
        cls,
        vocab: dict[str, int],
        terms: npt.NDArray[np.int32],
        tfs: npt.NDArray[np.int32],
        offsets: npt.NDArray[np.int64],
        scoring: str,
        k1: float,
        b: float,
    ) -> SparseEngine:
        """Return an engine over passages given as (term id, count) rows, passage-major."""
        from scipy.sparse import csr_matrix

        variant = get_scoring(scoring)
        n_docs, n_terms = len(offsets) - 1, max(len(vocab), 1)
        lengths = row_sums(tfs, offsets)
        # Passage-major rows to term-major columns: scipy's O(nnz) transpose, in C, of the
        # counts as they are (int32: no float copy of every posting beside them).
        by_term = csr_matrix(
            (tfs.astype(np.int32, copy=False), terms, offsets), shape=(n_docs, n_terms)
        ).tocsc()
        del tfs
        indptr = by_term.indptr.astype(np.int64)
        doc_ids = by_term.indices.astype(np.int32, copy=False)
        df = np.diff(indptr)
        avgdl = float(lengths.mean()) if n_docs and lengths.sum() else 1.0
        idf = variant.idf(df.astype(np.float64), n_docs).astype(np.float32)
        norm = length_norm(lengths, avgdl, k1, b)
        counts = by_term.data
        # The counts' memory becomes the weights', a slice at a time (each slice's counts
        # are copied out before it is written), so the temporaries stay small.
        weights = counts.view(np.float32)
        step = 1 << 22
        for lo in range(0, len(weights), step):
            hi = min(lo + step, len(weights))
            # The terms whose postings this slice holds, and how many of each.
            first = int(np.searchsorted(indptr, lo, side="right")) - 1
            last = int(np.searchsorted(indptr, hi - 1, side="right")) - 1
            bounds = np.clip(indptr[first : last + 2], lo, hi)
            tf = counts[lo:hi].astype(np.float32)
            part = variant.tf(tf, norm[doc_ids[lo:hi]], k1)
            weights[lo:hi] = np.repeat(idf[first : last + 1], np.diff(bounds)) * part
        return cls(vocab, indptr, doc_ids, weights, n_docs)

    def __len__(self) -> int:
        return self.n_docs

    def doc_freq(self, term: str) -> int:
        tid = self.vocab.get(term)
        return 0 if tid is None else int(self.indptr[tid + 1] - self.indptr[tid])

    def doc_freqs(self, terms: Sequence[str]) -> list[int]:
        # One lookup in the term offsets for all of them: the rarity scale asks 20,000.
        get = self.vocab.get
        tids = np.fromiter((get(t, -1) for t in terms), np.int64, len(terms))
        known = tids >= 0
        found = np.zeros(len(terms), np.int64)
        found[known] = self.indptr[tids[known] + 1] - self.indptr[tids[known]]
        return [int(df) for df in found.tolist()]

    def scores(self, terms: Sequence[str]) -> npt.NDArray[np.float32]:
        """Return the BM25 score of every passage for the terms (0 where none match)."""
        scores = np.zeros(self.n_docs, np.float32)
        for term in terms:
            tid = self.vocab.get(term)
            if tid is not None:
                lo, hi = self.indptr[tid], self.indptr[tid + 1]
                scores[self.doc_ids[lo:hi]] += self.weights[lo:hi]
        return scores

    def search(self, terms: Sequence[str], k: int) -> SearchResults:
        """Return the k best passages: over the matching passages alone when the terms'
        postings are few next to the passages, else over a dense array of all scores."""
        spans = [
            (int(self.indptr[tid]), int(self.indptr[tid + 1]))
            for tid in (self.vocab.get(term) for term in terms)
            if tid is not None
        ]
        postings = sum(hi - lo for lo, hi in spans)
        if postings * SPARSE_SHARE >= self.n_docs:
            pruned = self._rare_first(spans, k)
            return pruned if pruned is not None else top_k(self.scores(terms), k)
        if not postings:
            return top_k(np.zeros(0, np.float32), k)
        # The same float32 sums as the dense array, added term by term in the same order,
        # so the ranking (ties included) is the same; only the zeros are never touched.
        if len(spans) == 1:  # one term: its postings are the matches, in passage order
            lo, hi = spans[0]
            found = top_k(np.asarray(self.weights[lo:hi], np.float32), k)
            return SearchResults(self.doc_ids[lo:hi][found.ids].astype(np.int64), found.scores)
        matched = np.unique(np.concatenate([self.doc_ids[lo:hi] for lo, hi in spans]))
        acc = np.zeros(len(matched), np.float32)
        for lo, hi in spans:
            where = np.searchsorted(matched, self.doc_ids[lo:hi])
            acc[where] += self.weights[lo:hi]
        found = top_k(acc, k)
        return SearchResults(matched[found.ids].astype(np.int64), found.scores)

    def _max_weight(self, lo: int, hi: int) -> float:
        found = self._max_weights.get(lo)
        if found is None:  # few terms are common: at most SPARSE_SHARE times a passage's
            found = self._max_weights[lo] = float(self.weights[lo:hi].max())
        return found

    def _rare_first(self, spans: list[tuple[int, int]], k: int) -> SearchResults | None:
        """Return the top k scored over the passages of the rare terms, or None when other
        passages might belong there (see SPARSE_SHARE)."""
        common = [(hi - lo) * SPARSE_SHARE >= self.n_docs for lo, hi in spans]
        rare = [span for span, is_common in zip(spans, common, strict=True) if not is_common]
        if not rare or sum(hi - lo for lo, hi in rare) * SPARSE_SHARE >= self.n_docs:
            return None
        matched = np.unique(np.concatenate([self.doc_ids[lo:hi] for lo, hi in rare]))
        acc = np.zeros(len(matched), np.float32)
        # Term by term in the question's order, as scores() adds them: the same float32 sums.
        for (lo, hi), is_common in zip(spans, common, strict=True):
            docs = self.doc_ids[lo:hi]  # in passage order
            if not is_common:
                acc[np.searchsorted(matched, docs)] += self.weights[lo:hi]
                continue
            at = np.minimum(np.searchsorted(docs, matched), hi - lo - 1)
            hit = docs[at] == matched
            acc[hit] += self.weights[lo:hi][at[hit]]
        found = top_k(acc, k)
        if len(found.ids) < k:
            return None  # passages with common terms only may fill the rest
        # Any other passage holds common terms only: it scores at most their largest
        # weights added up (a margin for float32 rounding).
        reach = sum(
            self._max_weight(lo, hi)
            for (lo, hi), is_common in zip(spans, common, strict=True)
            if is_common
        )
        if reach * (1 + 1e-5) >= float(found.scores[-1]):
            return None
        return SearchResults(matched[found.ids].astype(np.int64), found.scores)


def row_sums(
    values: npt.NDArray[np.int32], offsets: npt.NDArray[np.int64]
) -> npt.NDArray[np.float32]:
    """Return the sum of each row values[offsets[i]:offsets[i + 1]] (0 for an empty row)."""
    starts = offsets[:-1]
    sums = np.zeros(len(starts), np.int64)
    values = values[: int(offsets[-1])]
    # Rows that start before the end (the others are empty): reduceat sums each from its
    # start to the next row's, the last to the end; an empty row takes its start's value.
    inside = int(np.searchsorted(starts, len(values), side="left"))
    if inside:
        sums[:inside] = np.add.reduceat(values, starts[:inside])
        sums[starts == offsets[1:]] = 0
    return sums.astype(np.float32)


class RankBM25Engine:
    """The reference: rank-bm25's BM25Okapi, O(passages) per query."""

    name: ClassVar[str] = "rank-bm25"

    def __init__(self, corpus: Sequence[Sequence[str]], k1: float, b: float) -> None:
        from rank_bm25 import BM25Okapi

        self._n = len(corpus)
        self._df: dict[str, int] = {}
        for doc in corpus:
            for term in set(doc):
                self._df[term] = self._df.get(term, 0) + 1
        # rank-bm25 divides by zero on an empty corpus or all-empty documents.
        self._bm25 = BM25Okapi([list(d) for d in corpus], k1=k1, b=b) if self._df else None

    def __len__(self) -> int:
        return self._n

    def doc_freq(self, term: str) -> int:
        return self._df.get(term, 0)

    def doc_freqs(self, terms: Sequence[str]) -> list[int]:
        return [self.doc_freq(t) for t in terms]

    def scores(self, terms: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return rank-bm25's own scores for the terms."""
        if self._bm25 is None:
            return np.zeros(self._n)
        return np.asarray(self._bm25.get_scores(list(terms)), dtype=np.float64)

    def search(self, terms: Sequence[str], k: int) -> SearchResults:
        return top_k(self.scores(terms), k)


class Bm25sEngine:
    """The bm25s library (eager sparse scoring), for comparison."""

    name: ClassVar[str] = "bm25s"
    _METHODS: ClassVar[dict[str, str]] = {
        "lucene": "lucene",
        "okapi": "robertson",
        "atire": "atire",
    }

    def __init__(self, corpus: Sequence[Sequence[str]], scoring: str, k1: float, b: float) -> None:
        import bm25s

        get_scoring(scoring)
        self._n = len(corpus)
        self._vocab: dict[str, int] = {}
        ids = [[self._vocab.setdefault(t, len(self._vocab)) for t in doc] for doc in corpus]
        self._df = np.zeros(len(self._vocab), np.int64)
        for doc in ids:
            self._df[list(set(doc))] += 1
        self._bm25 = bm25s.BM25(k1=k1, b=b, method=self._METHODS[scoring])
        self._bm25.index(
            bm25s.tokenization.Tokenized(ids=ids, vocab=self._vocab), show_progress=False
        )

    def __len__(self) -> int:
        return self._n

    def doc_freq(self, term: str) -> int:
        tid = self._vocab.get(term)
        return 0 if tid is None else int(self._df[tid])

    def doc_freqs(self, terms: Sequence[str]) -> list[int]:
        return [self.doc_freq(t) for t in terms]

    def scores(self, terms: Sequence[str]) -> npt.NDArray[np.float64]:
        """Return bm25s's scores for the terms."""
        ids = [self._vocab[t] for t in terms if t in self._vocab]
        if not ids or self._n == 0:
            return np.zeros(self._n)
        return np.asarray(self._bm25.get_scores(ids), dtype=np.float64)

    def search(self, terms: Sequence[str], k: int) -> SearchResults:
        return top_k(self.scores(terms), k)


EngineFactory = Callable[[Sequence[Sequence[str]], str, float, float], Engine]

ENGINES: dict[str, EngineFactory] = {
    "sparse": SparseEngine.build,
    "rank-bm25": lambda corpus, scoring, k1, b: RankBM25Engine(corpus, k1, b),
    "bm25s": Bm25sEngine,
}


def build_engine(
    name: str, corpus: Sequence[Sequence[str]], scoring: str, k1: float, b: float
) -> Engine:
    """Return the engine called name over the corpus; ValueError lists the valid names."""
    try:
        factory = ENGINES[name]
    except KeyError:
        raise ValueError(
            f"unknown engine {name!r}: choose one of {', '.join(sorted(ENGINES))}"
        ) from None
    get_scoring(scoring)
    return factory(corpus, scoring, k1, b)
