"""What an index is made of: the source table, row tables, the forward index and the engine.

Built by the builder (builder.py), or loaded memory-mapped from a saved index (storage.py);
either way the same frozen parts, read by the search index (search.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from retrieval.index.engines import Engine, SparseEngine, build_engine
from retrieval.index.records import SourceRecord, SourceTable
from retrieval.index.tables import ParagraphTable, ParagraphView, PassageTable, Rows
from retrieval.index.vocabulary import Vocabulary
from retrieval.model import Source
from retrieval.settings import RetrievalSettings

__all__ = ["Columns", "Forward", "IndexParts", "SourceList", "SourceRecord", "make_engine"]


@dataclass(frozen=True)
class Forward:
    """Each passage's distinct term ids and their counts (text, section and title terms),
    passage after passage: row i is terms/tfs[offsets[i]:offsets[i + 1]]."""

    terms: np.ndarray
    tfs: np.ndarray
    offsets: np.ndarray


@dataclass(frozen=True)
class Columns:
    """Rows of sources, paragraphs, passages and forward index, without an engine."""

    records: SourceTable
    paragraphs: ParagraphTable
    passages: PassageTable
    forward: Forward


@dataclass(frozen=True)
class IndexParts:
    """Everything an index is made of, built or loaded."""

    records: SourceTable
    paragraphs: ParagraphTable
    passages: PassageTable
    vocab: Vocabulary
    forward: Forward
    engine: Engine

    def sources(self) -> SourceList:
        """Return the sources, numbered 1..n, each made when asked for."""
        return SourceList(self.records, self.paragraphs)


class SourceList(Rows[Source]):
    """The sources of an index as a sequence, a Source (and its paragraph view) made only
    when one is asked for: a million documents are not a million objects at start-up."""

    def __init__(self, records: SourceTable, paragraphs: ParagraphTable) -> None:
        self._records = records
        self._paragraphs = paragraphs

    def __len__(self) -> int:
        return len(self._records)

    def _row(self, i: int) -> Source:
        table = self._records
        first = int(table.first_paragraph[i])
        view = ParagraphView(self._paragraphs, first, first + int(table.paragraphs[i]))
        return Source(number=i + 1, meta=table.meta(i), paragraphs=view)


def make_engine(settings: RetrievalSettings, vocab: Vocabulary, forward: Forward) -> Engine:
    """Return the configured engine over a forward index."""
    opts = settings.index
    if opts.engine == "sparse":
        return SparseEngine.from_forward(
            vocab.ids, forward.terms, forward.tfs, forward.offsets, opts.scoring, opts.k1, opts.b
        )
    terms = vocab.terms
    offsets = forward.offsets.tolist()
    ids, tfs = forward.terms.tolist(), forward.tfs.tolist()
    corpus = [
        [terms[t] for t, n in zip(ids[a:b], tfs[a:b], strict=True) for _ in range(n)]
        for a, b in pairwise(offsets)
    ]
    return build_engine(opts.engine, corpus, opts.scoring, opts.k1, opts.b)
