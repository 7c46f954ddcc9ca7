"""Votes on answers (👍/👎), kept in a local SQLite file only when `privacy.feedback` is on,
and the summary `sourcebot feedback` prints: totals and the passages most often voted down."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from retrieval import SourcebotError

SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    question TEXT NOT NULL,
    hits TEXT NOT NULL,      -- JSON list of "source#paragraph", best first
    up INTEGER NOT NULL      -- 1 for 👍, 0 for 👎
)
"""


class FeedbackError(SourcebotError):
    """The feedback file cannot be used."""


@dataclass(frozen=True)
class FeedbackSummary:
    """Totals, and what was voted down most."""

    up: int
    down: int
    passages_down: tuple[tuple[str, int], ...]
    questions_down: tuple[tuple[str, int], ...]


class FeedbackStore:
    """Append-only votes in one SQLite file (a connection per call: safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=5)
            connection.execute(SCHEMA)
        except (sqlite3.Error, OSError) as exc:
            raise FeedbackError(
                f"cannot use the feedback file {self.path} ({exc}): check privacy.feedback_file"
            ) from exc
        return connection

    def record(self, question: str, hits: Sequence[str], up: bool) -> None:
        """Store one vote."""
        with closing(self._connect()) as db, db:
            db.execute(
                "INSERT INTO votes (at, question, hits, up) VALUES (?, ?, ?, ?)",
                (
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    question,
                    json.dumps(list(hits)),
                    int(up),
                ),
            )

    def summary(self, top: int = 10) -> FeedbackSummary:
        """Return the totals and the passages and questions most often voted down."""
        if not self.path.exists():
            return FeedbackSummary(0, 0, (), ())
        with closing(self._connect()) as db:
            rows = db.execute("SELECT question, hits, up FROM votes").fetchall()
        up = sum(1 for _, _, vote in rows if vote)
        passages: Counter[str] = Counter()
        questions: Counter[str] = Counter()
        for question, hits, vote in rows:
            if not vote:
                passages.update(json.loads(hits))
                questions[question] += 1
        return FeedbackSummary(
            up=up,
            down=len(rows) - up,
            passages_down=tuple(passages.most_common(top)),
            questions_down=tuple(questions.most_common(top)),
        )
