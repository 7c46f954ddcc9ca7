"""What an index is made of: source records, row tables, the forward index and the engine.

Built by the builder (builder.py), or loaded memory-mapped from a saved index (storage.py);
either way the same frozen parts, read by the search index (search.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from retrieval.index.engines import Engine, SparseEngine, build_engine
from retrieval.index.tables import ParagraphTable, ParagraphView, PassageTable
from retrieval.index.vocabulary import Vocabulary
from retrieval.model import Source, SourceMeta
from retrieval.settings import RetrievalSettings


@dataclass(frozen=True)
class SourceRecord:
    """Where one source's rows lie in the tables, and which file it came from."""

    meta: SourceMeta
    first_paragraph: int
    paragraphs: int
    first_passage: int
    passages: int
    origin: str  # the file path it came from (several sources for a .jsonl)
    language: str | None = None  # ISO 639-1, as detected (or configured); None: unknown


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

    records: tuple[SourceRecord, ...]
    paragraphs: ParagraphTable
    passages: PassageTable
    forward: Forward


@dataclass(frozen=True)
class IndexParts:
    """Everything an index is made of, built or loaded."""

    records: tuple[SourceRecord, ...]
    paragraphs: ParagraphTable
    passages: PassageTable
    vocab: Vocabulary
    forward: Forward
    engine: Engine

    def sources(self) -> tuple[Source, ...]:
        """Return the sources, numbered 1..n, their paragraphs read from the table."""
        return tuple(
            Source(
                number=i,
                meta=r.meta,
                paragraphs=ParagraphView(
                    self.paragraphs, r.first_paragraph, r.first_paragraph + r.paragraphs
                ),
            )
            for i, r in enumerate(self.records, start=1)
        )


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
