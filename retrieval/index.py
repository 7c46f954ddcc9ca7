"""The search index: sources, their paragraphs and passages, the tokenizer and a BM25 engine.

A passage is indexed as its own terms plus its section heading's and its source title's
terms, each repeated as many times as `index.section_weight` / `index.title_weight` say,
so headings and titles count toward a match. Built once (or loaded from disk) and then
only read, so one index serves any number of concurrent questions.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retrieval.building import IndexBuilder, IndexParts
from retrieval.model import Passage, Source, SourceMeta
from retrieval.settings import RetrievalSettings
from retrieval.sources import LoadedSources
from retrieval.tokenize import Tokenizer


@dataclass(frozen=True)
class Scored:
    """A passage and its BM25 score for one query."""

    passage: Passage
    score: float


def make_tokenizer(settings: RetrievalSettings) -> Tokenizer:
    """Return the tokenizer the settings call for (the same for index and questions)."""
    return Tokenizer(stem=settings.index.stem, stopwords=settings.index.stopwords)


class SearchIndex:
    """Passages of the loaded sources behind one BM25 engine."""

    def __init__(
        self,
        parts: IndexParts,
        tokenizer: Tokenizer,
        settings: RetrievalSettings,
        warnings: Sequence[str] = (),
    ) -> None:
        self.parts = parts
        self.passages: Sequence[Passage] = parts.passages
        self.tokenizer = tokenizer
        self.engine = parts.engine
        self.vocab = parts.vocab
        self.settings = settings.index
        self.retrieval_settings = settings
        self.warnings = tuple(warnings)
        self._rows = {r.meta.file: r for r in parts.records}

    @functools.cached_property
    def sources(self) -> tuple[Source, ...]:
        """Return the sources, numbered 1..n (made on first use: 0.2 s at 50,000 sources)."""
        return self.parts.sources()

    @classmethod
    def build(cls, loaded: LoadedSources, settings: RetrievalSettings) -> SearchIndex:
        """Return an index over loaded sources."""
        tokenizer = make_tokenizer(settings)
        builder = IndexBuilder(settings, tokenizer)
        for source in loaded.sources:
            builder.add(source, origin=source.file)
        return cls(builder.finish(), tokenizer, settings, loaded.warnings)

    @classmethod
    def from_settings(cls, settings: RetrievalSettings) -> SearchIndex:
        """Load the configured sources and return an index over them."""
        from retrieval.indexing import build_index

        return build_index(settings)[0]

    def __len__(self) -> int:
        return len(self.passages)

    def meta(self, source: str) -> SourceMeta:
        """Return the metadata of the source with this file name."""
        return self._rows[source].meta

    def passage_count(self, source: str) -> int:
        """Return how many passages the source with this file name was cut into."""
        return self._rows[source].passages

    def _row(self, source: str, number: int) -> int | None:
        record = self._rows.get(source)
        if record is None or not 1 <= number <= record.paragraphs:
            return None
        return record.first_paragraph + number - 1

    def paragraph_text(self, source: str, number: int) -> str:
        """Return the whole text of a paragraph."""
        row = self._row(source, number)
        if row is None:
            raise KeyError((source, number))
        return self.parts.paragraphs.text(row)

    def has_paragraph(self, source: str, number: int) -> bool:
        """Say whether the source has a paragraph with this number."""
        return self._row(source, number) is not None

    def surface_words(self) -> dict[str, int]:
        """Return each indexed word as written in the sources, with its document frequency."""
        words: dict[str, int] = {}
        for term, word in zip(self.vocab.terms, self.vocab.surface, strict=True):
            df = self.engine.doc_freq(term)
            if df > words.get(word, 0):
                words[word] = df
        return words

    @functools.cached_property
    def mean_passage_terms(self) -> float:
        """Return how many terms a passage is indexed under, on average (1 when empty)."""
        n = len(self.passages)
        total = int(self.parts.forward.tfs.sum(dtype="int64")) if n else 0
        return total / n if n and total else 1.0

    def idf(self, term: str) -> float:
        """Return the term's weight for matching questions (Lucene idf; unseen terms weigh most)."""
        n = len(self.passages)
        df = self.engine.doc_freq(term)
        return math.log1p((n - df + 0.5) / (df + 0.5))

    def knows(self, term: str) -> bool:
        """Say whether any passage contains the term."""
        return self.engine.doc_freq(term) > 0

    def indexed_terms(self, passage: Passage) -> set[str]:
        """Return the terms a passage is indexed under (its text, section and title)."""
        forward = self.parts.forward
        lo, hi = int(forward.offsets[passage.id]), int(forward.offsets[passage.id + 1])
        terms = self.vocab.terms
        return {terms[i] for i in forward.terms[lo:hi].tolist()}

    def search(self, terms: Iterable[str], k: int) -> list[Scored]:
        """Return the k best passages for the terms, best first."""
        results = self.engine.search(list(terms), k)
        return [
            Scored(self.passages[int(i)], float(s))
            for i, s in zip(results.ids, results.scores, strict=True)
        ]
