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
from pathlib import Path
from typing import Any

from retrieval.index.engines import SearchResults, top_k
from retrieval.index.parts import IndexParts
from retrieval.model import Passage, Source, SourceMeta
from retrieval.settings import RetrievalSettings
from retrieval.text.langdetect import question_language
from retrieval.text.tokenize import Tokenizer


@dataclass(frozen=True)
class Scored:
    """A passage and its BM25 score for one query."""

    passage: Passage
    score: float


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
        self.records = parts.records
        # Each source file's stamp when it was read (size, modification time, ...), by its
        # resolved path: what an update compares to find the files that changed.
        self.files: dict[str, dict[str, Any]] = {}
        self.saved_in: Path | None = None  # the version folder it was loaded from, if any

    @functools.cached_property
    def sources(self) -> Sequence[Source]:
        """Return the sources, numbered 1..n (each made when asked for)."""
        return self.parts.sources()

    def __len__(self) -> int:
        return len(self.passages)

    @functools.cached_property
    def languages(self) -> tuple[str, ...]:
        """Return the languages of the sources (detected or configured), sorted."""
        return tuple(sorted(self.records.passages_by_language()))

    @functools.cached_property
    def main_language(self) -> str | None:
        """Return the language most passages are in (None: no source's is known)."""
        counts = self.records.passages_by_language()
        return min(counts, key=lambda lang: (-counts[lang], lang)) if counts else None

    def question_tokenizer(self, question: str) -> Tokenizer:
        """Return the tokenizer for a question: of its language among the sources' ones."""
        configured = self.retrieval_settings.tokenizer.language
        if configured != "auto":
            return self.tokenizer.for_language(configured)
        return self.tokenizer.for_language(question_language(question, self.languages))

    def _source_row(self, source: str) -> int:
        row = self.records.row_of(source)
        if row is None:
            raise KeyError(source)
        return row

    def source_language(self, source: str) -> str | None:
        """Return the language of the source with this file name (None: unknown)."""
        return self.records.language_of(self._source_row(source))

    def source_tokenizer(self, source: str) -> Tokenizer:
        """Return the tokenizer the passages of the source with this file name were indexed with."""
        return self.tokenizer.for_language(self.source_language(source))

    def meta(self, source: str) -> SourceMeta:
        """Return the metadata of the source with this file name."""
        return self.records.meta(self._source_row(source))

    def source_number(self, source: str) -> int:
        """Return the number (1..n) of the source with this file name."""
        return self._source_row(source) + 1

    def passage_count(self, source: str) -> int:
        """Return how many passages the source with this file name was cut into."""
        return int(self.records.passages[self._source_row(source)])

    def _row(self, source: str, number: int) -> int | None:
        row = self.records.row_of(source)
        if row is None or not 1 <= number <= int(self.records.paragraphs[row]):
            return None
        return int(self.records.first_paragraph[row]) + number - 1

    def paragraph_text(self, source: str, number: int) -> str:
        """Return the whole text of a paragraph."""
        row = self._row(source, number)
        if row is None:
            raise KeyError((source, number))
        return self.parts.paragraphs.text(row)

    def text_before(self, source: str, number: int, limit: int) -> str:
        """Return up to the last `limit` bytes of a source's text before paragraph `number`
        (paragraphs run together)."""
        row = self._row(source, number)
        if row is None:
            return ""
        first = int(self.records.first_paragraph[self._source_row(source)])
        return self.parts.paragraphs.text_between(first, row, limit)

    def has_paragraph(self, source: str, number: int) -> bool:
        """Say whether the source has a paragraph with this number."""
        return self._row(source, number) is not None

    def surface_words(self) -> dict[str, int]:
        """Return each indexed word as written in the sources, with its document frequency."""
        words: dict[str, int] = {}
        freqs = self.engine.doc_freqs(self.vocab.terms)
        for word, df in zip(self.vocab.surface, freqs, strict=True):
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
        return self.idf_of(self.engine.doc_freq(term))

    def idf_of(self, df: int) -> float:
        """Return the weight of a term in df passages (see idf)."""
        n = len(self.passages)
        return math.log1p((n - df + 0.5) / (df + 0.5))

    def doc_freq(self, term: str) -> int:
        """Return in how many passages the term occurs."""
        return self.engine.doc_freq(term)

    def doc_freqs(self, terms: Sequence[str]) -> list[int]:
        """Return in how many passages each term occurs, in order."""
        return self.engine.doc_freqs(terms)

    def knows(self, term: str) -> bool:
        """Say whether any passage contains the term."""
        return self.doc_freq(term) > 0

    def indexed_terms(self, passage: Passage) -> set[str]:
        """Return the terms a passage is indexed under (its text, section and title)."""
        forward = self.parts.forward
        lo, hi = int(forward.offsets[passage.id]), int(forward.offsets[passage.id + 1])
        terms = self.vocab.terms
        return {terms[i] for i in forward.terms[lo:hi].tolist()}

    def search(self, terms: Iterable[str], k: int) -> list[Scored]:
        """Return the k best passages for the terms, best first."""
        return self._scored(self.engine.search(list(terms), k))

    def search_within(self, terms: Iterable[str], k: int, source: int) -> list[Scored]:
        """Return the k best passages of source number `source` (1..n) for the terms.

        A source's passages are one run of ids, so its scores are a slice of the engine's
        (the same scores as in a search of all sources).
        """
        if not 1 <= source <= len(self.records):
            return []
        lo, count = (
            int(self.records.first_passage[source - 1]),
            int(self.records.passages[source - 1]),
        )
        scores = self.engine.scores(list(terms))[lo : lo + count]
        found = top_k(scores, k)
        return self._scored(SearchResults(found.ids + lo, found.scores))

    def _scored(self, results: SearchResults) -> list[Scored]:
        return [
            Scored(self.passages[int(i)], float(s))
            for i, s in zip(results.ids, results.scores, strict=True)
        ]
