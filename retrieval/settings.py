"""Typed settings of the text side: sources, cleaning, index, answers, summaries.

Plain frozen dataclasses with the defaults a user gets without a config file; bot/config.py
fills them from YAML and validates, so nothing here parses files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

OnError = Literal["error", "skip"]
MAX_FILE_MB = 50


@dataclass(frozen=True)
class CleaningRules:
    """Page furniture rules, kept in config rather than in code."""

    drop_lines: tuple[re.Pattern[str], ...] = ()
    drop_blocks_with: tuple[re.Pattern[str], ...] = ()
    truncate_at: tuple[re.Pattern[str], ...] = ()
    byline: re.Pattern[str] | None = None
    heading_max_words: int = 12
    title_max_words: int = 20
    min_repeat_chars: int = 40


@dataclass(frozen=True)
class MetaOverride:
    """Metadata for one source from sources.yaml; None means "not given"."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SourceSettings:
    """Where sources live and what to do with files that cannot be read."""

    folders: tuple[Path, ...] = (Path("seeds"),)
    extensions: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl")
    on_error: OnError = "skip"
    metadata: dict[str, MetaOverride] = field(default_factory=dict)
    max_passage_chars: int = 1200
    index_dir: Path | None = None
    # The largest file read whole (.txt, .md, .html, .pdf) and the longest .jsonl line, so one
    # stray dump cannot take the build's memory; .jsonl files are streamed, so any size.
    max_file_mb: int = MAX_FILE_MB


@dataclass(frozen=True)
class IndexSettings:
    """BM25 parameters and the engine that computes them."""

    engine: str = "sparse"
    scoring: str = "lucene"
    k1: float = 0.9
    b: float = 0.4
    title_weight: int = 1
    section_weight: int = 1
    stem: bool = True
    stopwords: bool = True


@dataclass(frozen=True)
class AnswerSettings:
    """How many hits, how long a quote, when to say "not found", how to fix typos."""

    top_k: int = 3
    max_quote_sentences: int = 3
    min_coverage: float = 0.42
    name_weight: float = 2.0
    proximity: float = 0.5
    proximity_sentences: int = 2
    min_score: float = 0.0
    spelling: bool = True
    spelling_max_zipf: float = 3.0
    spelling_valid_zipf: float = 1.5


@dataclass(frozen=True)
class SummarySettings:
    """Extractive summary knobs."""

    sentences: int = 5
    per_source: int = 3
    lead_weight: float = 0.5
    redundancy: float = 0.7


@dataclass(frozen=True)
class RetrievalSettings:
    """Everything retrieval/ needs, in one value."""

    sources: SourceSettings = field(default_factory=SourceSettings)
    cleaning: CleaningRules = field(default_factory=CleaningRules)
    index: IndexSettings = field(default_factory=IndexSettings)
    answers: AnswerSettings = field(default_factory=AnswerSettings)
    summaries: SummarySettings = field(default_factory=SummarySettings)
