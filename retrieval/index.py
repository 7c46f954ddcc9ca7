"""The search index: sources, their passages, the tokenizer and a BM25 engine, built once.

A passage is indexed as its own terms plus its section heading's and its source title's
terms, each repeated as many times as `index.section_weight` / `index.title_weight` say,
so headings and titles count toward a match. Built once and then only read, so one index
serves any number of concurrent questions.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.engines import Engine, build_engine
from retrieval.model import Passage, Source, SourceMeta
from retrieval.settings import IndexSettings, RetrievalSettings
from retrieval.sources import LoadedSources, load_sources, split_passages
from retrieval.tokenize import Tokenizer


@dataclass(frozen=True)
class Scored:
    """A passage and its BM25 score for one query."""

    passage: Passage
    score: float


class SearchIndex:
    """Passages of the loaded sources behind one BM25 engine."""

    def __init__(
        self,
        sources: Sequence[Source],
        passages: Sequence[Passage],
        tokenizer: Tokenizer,
        engine: Engine,
        words: Counter[str],
        settings: IndexSettings,
        warnings: Sequence[str] = (),
    ) -> None:
        self.sources = tuple(sources)
        self.passages = passages
        self.tokenizer = tokenizer
        self.engine = engine
        self.words = words
        self.settings = settings
        self.warnings = tuple(warnings)
        self.passage_counts = Counter(p.source for p in passages)
        self._meta = {s.file: s.meta for s in self.sources}
        self._paragraphs = {(s.file, p.number): p for s in self.sources for p in s.paragraphs}

    @classmethod
    def build(cls, loaded: LoadedSources, settings: RetrievalSettings) -> SearchIndex:
        """Return an index over loaded sources."""
        opts = settings.index
        tokenizer = Tokenizer(stem=opts.stem, stopwords=opts.stopwords)
        passages = split_passages(loaded.sources, settings.sources.max_passage_chars)
        titles = {s.file: tokenizer.tokenize(s.meta.title) for s in loaded.sources}
        sections: dict[str | None, list[str]] = {None: []}
        corpus: list[list[str]] = []
        words: Counter[str] = Counter()
        for p in passages:
            if p.section not in sections:
                sections[p.section] = tokenizer.tokenize(p.section or "")
            terms = tokenizer.tokenize(p.text)
            terms += sections[p.section] * opts.section_weight
            terms += titles[p.source] * opts.title_weight
            corpus.append(terms)
            words.update(tokenizer.words(p.text))
        engine = build_engine(opts.engine, corpus, opts.scoring, opts.k1, opts.b)
        return cls(loaded.sources, passages, tokenizer, engine, words, opts, loaded.warnings)

    @classmethod
    def from_settings(cls, settings: RetrievalSettings) -> SearchIndex:
        """Load the configured sources and return an index over them."""
        return cls.build(load_sources(settings.sources, settings.cleaning), settings)

    def __len__(self) -> int:
        return len(self.passages)

    def meta(self, source: str) -> SourceMeta:
        """Return the metadata of the source with this file name."""
        return self._meta[source]

    def paragraph_text(self, source: str, number: int) -> str:
        """Return the whole text of a paragraph."""
        return self._paragraphs[(source, number)].text

    def has_paragraph(self, source: str, number: int) -> bool:
        """Say whether the source has a paragraph with this number."""
        return (source, number) in self._paragraphs

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
        terms = set(self.tokenizer.tokenize(passage.text))
        if self.settings.section_weight and passage.section:
            terms.update(self.tokenizer.tokenize(passage.section))
        if self.settings.title_weight:
            terms.update(self.tokenizer.tokenize(self.meta(passage.source).title))
        return terms

    def search(self, terms: Sequence[str], k: int) -> list[Scored]:
        """Return the k best passages for the terms, best first."""
        results = self.engine.search(terms, k)
        return [
            Scored(self.passages[int(i)], float(s))
            for i, s in zip(results.ids, results.scores, strict=True)
        ]
