"""Typed settings of the text side: sources, cleaning, tokenizer, index, answers, summaries.

Plain frozen dataclasses with the defaults a user gets without a config file. Each field
carries its own constraint (`setting(default, low=..., high=..., check=...)`, kept in the
field's metadata) and names from a fixed set are `Literal` types, so one edit adds a
setting: the config loader (bot/config.py) reads the YAML section of the same name, checks
every field by its type and constraint, and names the file and key when one is wrong.
Nothing here parses files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from retrieval.languages import LANGUAGES

OnError = Literal["error", "skip"]
EngineName = Literal["sparse", "rank-bm25", "bm25s"]
ScoringName = Literal["lucene", "okapi", "atire"]
MAX_FILE_MB = 50
SUPPORTED_EXTENSIONS: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl")
CONSTRAINT = "sourcebot.constraint"  # the key of a field's constraint in its metadata


@dataclass(frozen=True)
class Constraint:
    """What a setting's value must be beyond its type: a range, and a check of its own."""

    low: float | None = None
    high: float | None = None
    check: Callable[[Any], str | None] | None = None  # returns what is wrong, or None

    def problem(self, value: Any) -> str | None:
        """Return what is wrong with value ("must be between 0 and 1"), or None."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            too_low = self.low is not None and value < self.low
            too_high = self.high is not None and value > self.high
            if too_low or too_high:
                return f"must be {self.describe()}"
        return self.check(value) if self.check is not None else None

    def describe(self) -> str:
        """Return the allowed range in words."""
        low, high = _number(self.low), _number(self.high)
        if low is not None and high is not None:
            return f"between {low} and {high}"
        if low is not None:
            return f"{low} or more" if self.low == 0 else f"at least {low}"
        return f"at most {high}"


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return f"{value:g}" if isinstance(value, float) and not value.is_integer() else f"{value:.0f}"


def setting(
    default: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    check: Callable[[Any], str | None] | None = None,
) -> Any:
    """Return a dataclass field with a default and the constraint its value must meet."""
    constraint = Constraint(low, high, check)
    if isinstance(default, list | dict | set):
        factory = default.copy
        return field(default_factory=factory, metadata={CONSTRAINT: constraint})
    return field(default=default, metadata={CONSTRAINT: constraint})


def _supported(extensions: tuple[str, ...]) -> str | None:
    bad = sorted(
        {e.lower().lstrip(".") for e in extensions} - {e[1:] for e in SUPPORTED_EXTENSIONS}
    )
    if bad:
        return (
            f"sourcebot cannot read .{bad[0]} files (supported: {', '.join(SUPPORTED_EXTENSIONS)})"
        )
    return None


def _not_empty(values: tuple[Any, ...]) -> str | None:
    return "must list at least one folder" if not values else None


def _captures(pattern: re.Pattern[str] | None) -> str | None:
    if pattern is not None and pattern.groups < 1:
        return "must capture the author's name in a group, e.g. '^By\\s+(.+)$'"
    return None


@dataclass(frozen=True)
class CleaningRules:
    """Page furniture rules, kept in config rather than in code."""

    drop_lines: tuple[re.Pattern[str], ...] = ()
    drop_blocks_with: tuple[re.Pattern[str], ...] = ()
    truncate_at: tuple[re.Pattern[str], ...] = ()
    byline: re.Pattern[str] | None = setting(None, check=_captures)
    heading_max_words: int = setting(12, low=1)
    title_max_words: int = setting(20, low=1)
    min_repeat_chars: int = setting(40, low=1)


@dataclass(frozen=True)
class MetaOverride:
    """Metadata for one source from sources.yaml; None means "not given"."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    date: str | None = None
    url: str | None = setting(
        None,
        check=lambda url: (
            None
            if url is None or re.match(r"^https?://\S+$", url)
            else "must start with http:// or https://"
        ),
    )


NO_METADATA = MetaOverride()  # nothing given or found: one shared value, not one a document


@dataclass(frozen=True)
class SourceSettings:
    """Where sources live and what to do with files that cannot be read."""

    folders: tuple[Path, ...] = setting((Path("seeds"),), check=_not_empty)
    extensions: tuple[str, ...] = setting(SUPPORTED_EXTENSIONS, check=_supported)
    on_error: OnError = "skip"
    # Loaded from the file named by the YAML key `metadata` (config/sources.yaml).
    metadata: dict[str, MetaOverride] = field(default_factory=dict)
    max_passage_chars: int = setting(1200, low=100)
    index_dir: Path | None = None
    # The largest file read whole (.txt, .md, .html, .pdf) and the longest .jsonl line, so one
    # stray dump cannot take the build's memory; .jsonl files are streamed, so any size.
    max_file_mb: int = setting(MAX_FILE_MB, low=1)


def _language(code: str) -> str | None:
    if code == "auto" or code in LANGUAGES:
        return None
    return f"must be auto or one of {', '.join(sorted(LANGUAGES))}"


@dataclass(frozen=True)
class TokenizerSettings:
    """How text becomes terms, for passages and questions alike."""

    stem: bool = True
    stopwords: bool = True
    # Of every source and question (an ISO 639-1 code); "auto": detected per source.
    language: str = setting("auto", check=_language)


@dataclass(frozen=True)
class IndexSettings:
    """BM25 parameters and the engine that computes them."""

    engine: EngineName = "sparse"
    scoring: ScoringName = "lucene"
    k1: float = setting(0.9, low=0)
    b: float = setting(0.4, low=0, high=1)
    title_weight: int = setting(1, low=0)
    section_weight: int = setting(1, low=0)


@dataclass(frozen=True)
class AnswerSettings:
    """How many hits, how long a quote, when to say "not found", how to fix typos."""

    top_k: int = setting(3, low=1, high=20)
    max_quote_sentences: int = setting(3, low=1, high=10)
    # Share of the question a passage must support to count as an answer; below it the bot
    # says "not found" (chosen on XQuAD's even articles, checked on the odd ones: README).
    min_coverage: float = setting(0.42, low=0, high=1)
    name_weight: float = setting(2.0, low=1, high=10)  # times a missing name counts against
    proximity: float = setting(0.5, low=0, high=1)  # share of support from the best window
    proximity_sentences: int = setting(2, low=1, high=10)  # sentences in that window
    min_score: float = 0.0
    spelling: bool = True
    spelling_max_zipf: float = 3.0
    spelling_valid_zipf: float = setting(1.5, low=0, high=8)
    # Follow-ups carry this many words of the earlier question (its rarest by idf); 0: none.
    carry_terms: int = setting(3, low=0, high=10)


@dataclass(frozen=True)
class SummarySettings:
    """Extractive summary knobs."""

    sentences: int = setting(5, low=1, high=50)
    per_source: int = setting(3, low=1, high=20)
    lead_weight: float = setting(0.5, low=0, high=1)
    redundancy: float = setting(0.7, low=0, high=1)


@dataclass(frozen=True)
class RetrievalSettings:
    """Everything retrieval/ needs, in one value; each field is a section of the config."""

    sources: SourceSettings = field(default_factory=SourceSettings)
    cleaning: CleaningRules = field(default_factory=CleaningRules)
    tokenizer: TokenizerSettings = field(default_factory=TokenizerSettings)
    index: IndexSettings = field(default_factory=IndexSettings)
    answers: AnswerSettings = field(default_factory=AnswerSettings)
    summaries: SummarySettings = field(default_factory=SummarySettings)
