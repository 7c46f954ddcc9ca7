"""retrieval: everything about text, from files to quoted answers; nothing about Telegram.

The pipeline, one subpackage a stage, imports running one way (import-linter checks it):

    text/      words, stopwords, sentences, repeat keys
    ingest/    finding files, one reader a format, cleaning, documents, passages
    index/     vocabulary, building (serial or in workers), engines, storage, updates,
               the read-only search index
    answer/    the Library facade, answering, quotes, spelling, summaries
    evaluate/  retrieval, QA and cleaning metrics (nothing at run time imports it)
    bench/     the scale benchmark and its synthetic corpora (likewise)

Beside them, shared by every stage: model.py (the frozen data that flows through),
settings.py (typed settings with their constraints) and errors.py (the error tree).

This module is the public API: the bot and the command line (bot/) import only what is
exported here, and from `retrieval.evaluate` and `retrieval.bench` for measuring.
"""

from __future__ import annotations

from retrieval.answer.library import Library
from retrieval.errors import DatasetError, IndexLoadError, SourcebotError, SourceError
from retrieval.index.storage import fingerprint as index_fingerprint
from retrieval.index.update import IndexReport, update_index
from retrieval.model import (
    Answer,
    Hit,
    Paragraph,
    ParagraphContext,
    Passage,
    Quote,
    Source,
    SourceMeta,
    SourceRow,
    Summary,
    SummaryRequest,
    SummarySentence,
)
from retrieval.settings import (
    CONSTRAINT,
    SUPPORTED_EXTENSIONS,
    AnswerSettings,
    CleaningRules,
    Constraint,
    EngineName,
    IndexSettings,
    MetaOverride,
    RetrievalSettings,
    SourceSettings,
    SummarySettings,
    TokenizerSettings,
    setting,
)

__all__ = [
    "CONSTRAINT",
    "SUPPORTED_EXTENSIONS",
    "Answer",
    "AnswerSettings",
    "CleaningRules",
    "Constraint",
    "DatasetError",
    "EngineName",
    "Hit",
    "IndexLoadError",
    "IndexReport",
    "IndexSettings",
    "Library",
    "MetaOverride",
    "Paragraph",
    "ParagraphContext",
    "Passage",
    "Quote",
    "RetrievalSettings",
    "Source",
    "SourceError",
    "SourceMeta",
    "SourceRow",
    "SourceSettings",
    "SourcebotError",
    "Summary",
    "SummaryRequest",
    "SummarySentence",
    "SummarySettings",
    "TokenizerSettings",
    "index_fingerprint",
    "setting",
    "update_index",
]
