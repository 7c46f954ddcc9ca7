"""The public JSON shapes of the `sourcebot` command, one function a shape.

They are a contract that outside checks use (README, "The `sourcebot` command"): keys may be
added, never renamed or removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.feedback import FeedbackSummary
from retrieval import Answer, Source, SourceRow, Summary


def answer_json(answer: Answer) -> dict[str, Any]:
    """Return the public JSON shape of an answer (see README, `sourcebot ask --json`)."""
    return {
        "question": answer.question,
        "found": answer.found,
        "corrected_terms": answer.corrected_terms,
        "passages": [
            {
                "rank": h.rank,
                "source": h.passage.source,
                "title": h.meta.title,
                "author": h.meta.author,
                "paragraph": h.passage.paragraph,
                "section": h.passage.section,
                "score": h.score,
                "quote": h.quote.text,
                "text": h.paragraph_text,
                "publisher": h.meta.publisher,
                "date": h.meta.date,
                "url": h.meta.url,
                "source_number": h.source_number,
                "page": h.passage.page,
                "link": h.link,
            }
            for h in answer.hits
        ],
        "question_language": answer.language,
        "source_languages": list(answer.source_languages),
        "language_mismatch": answer.language_mismatch,
    }


def summary_json(summary: Summary) -> dict[str, Any]:
    """Return the public JSON shape of a summary (see README, `sourcebot summary --json`)."""
    return {
        "source": summary.source,
        "topic": summary.topic,
        "sentences": [
            {"text": s.text, "source": s.source, "paragraph": s.paragraph}
            for s in summary.sentences
        ],
    }


def source_json(source: Source) -> dict[str, Any]:
    """Return the public JSON shape of one cleaned source (see README, `sourcebot show`)."""
    meta = source.meta
    return {
        "source": source.file,
        "title": meta.title if meta.titled else None,
        "author": meta.author,
        "publisher": meta.publisher,
        "date": meta.date,
        "url": meta.url,
        "paragraphs": [
            {"paragraph": p.number, "section": p.section, "page": p.page, "text": p.text}
            for p in source.paragraphs
        ],
    }


def sources_json(rows: Sequence[SourceRow]) -> list[dict[str, Any]]:
    """Return the public JSON shape of the sources list (`sourcebot sources --json`)."""
    return [
        {
            "number": s.number,
            "file": s.file,
            "title": s.meta.title,
            "author": s.meta.author,
            "publisher": s.meta.publisher,
            "date": s.meta.date,
            "url": s.meta.url,
            "paragraphs": len(s.paragraphs),
            "passages": n,
        }
        for s, n in rows
    ]


def feedback_json(summary: FeedbackSummary, path: Path) -> dict[str, Any]:
    """Return the public JSON shape of the votes (`sourcebot feedback --json`)."""
    return {
        "file": str(path),
        "up": summary.up,
        "down": summary.down,
        "passages_down": [{"passage": p, "votes": n} for p, n in summary.passages_down],
        "questions_down": [{"question": q, "votes": n} for q, n in summary.questions_down],
        "skipped": summary.skipped,
    }
