"""Votes on answers (👍/👎), kept in a local SQLite file only when `privacy.feedback` is on,
and the summary `sourcebot feedback` prints: totals and the passages most often voted down.

One vote per person and answer: a vote carries a key made from the question's button id
and the voter (a hash: the file holds no Telegram ids), and a second vote replaces the
first. The summary reads whatever is in the file: a row it cannot read (written by hand, or
by another program) is counted as skipped, never a traceback, and a file that is not a
feedback file at all is one clear error.
"""

from __future__ import annotations

import hashlib
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
    up INTEGER NOT NULL,     -- 1 for 👍, 0 for 👎
    voter TEXT               -- hash of the answer's button id and the voter: one vote each
)
"""
UNIQUE_VOTER = "CREATE UNIQUE INDEX IF NOT EXISTS votes_voter ON votes (voter)"
BUSY_SECONDS = 5.0  # how long a vote waits for a file another process has locked


class FeedbackError(SourcebotError):
    """The feedback file cannot be used."""


@dataclass(frozen=True)
class FeedbackSummary:
    """Totals, what was voted down most, and how many rows could not be read."""

    up: int
    down: int
    passages_down: tuple[tuple[str, int], ...]
    questions_down: tuple[tuple[str, int], ...]
    skipped: int = 0


def voter_key(question_id: str, user_id: int) -> str:
    """Return the key that makes one person's votes on one answer a single vote."""
    return hashlib.sha256(f"{question_id}\x00{user_id}".encode()).hexdigest()[:32]


class FeedbackStore:
    """Votes in one SQLite file (a connection per call: safe across threads)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=BUSY_SECONDS)
            with connection:
                connection.execute(SCHEMA)
                columns = {row[1] for row in connection.execute("PRAGMA table_info(votes)")}
                if "voter" not in columns:  # a file from before votes were one per person
                    connection.execute("ALTER TABLE votes ADD COLUMN voter TEXT")
                connection.execute(UNIQUE_VOTER)
        except (sqlite3.Error, OSError) as exc:
            raise FeedbackError(
                f"cannot use the feedback file {self.path} ({exc}): check privacy.feedback_file"
            ) from exc
        return connection

    def record(self, question: str, hits: Sequence[str], up: bool, voter: str) -> None:
        """Store one vote; a later vote with the same voter key replaces the earlier one."""
        try:
            with closing(self._connect()) as db, db:
                db.execute(
                    "INSERT INTO votes (at, question, hits, up, voter) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (voter) DO UPDATE SET at = excluded.at, up = excluded.up",
                    (
                        datetime.now(UTC).isoformat(timespec="seconds"),
                        question,
                        json.dumps(list(hits)),
                        int(up),
                        voter,
                    ),
                )
        except sqlite3.Error as exc:
            raise FeedbackError(f"cannot store a vote in {self.path} ({exc})") from exc

    def summary(self, top: int = 10) -> FeedbackSummary:
        """Return the totals and the passages and questions most often voted down."""
        if not self.path.exists():
            return FeedbackSummary(0, 0, (), ())
        try:
            with closing(self._connect()) as db:
                rows = db.execute("SELECT question, hits, up FROM votes").fetchall()
        except sqlite3.Error as exc:
            raise FeedbackError(
                f"cannot read the votes in {self.path} ({exc}): is it a sourcebot feedback file?"
            ) from exc
        up = down = skipped = 0
        passages: Counter[str] = Counter()
        questions: Counter[str] = Counter()
        for question, hits, vote in rows:
            cited = _cited(hits)
            if vote not in (0, 1) or not isinstance(question, str) or cited is None:
                skipped += 1
            elif vote:
                up += 1
            else:
                down += 1
                passages.update(cited)
                questions[question] += 1
        return FeedbackSummary(
            up=up,
            down=down,
            passages_down=tuple(passages.most_common(top)),
            questions_down=tuple(questions.most_common(top)),
            skipped=skipped,
        )


def _cited(hits: object) -> list[str] | None:
    """Return a row's cited passages, or None when the row's value is not such a list."""
    if not isinstance(hits, str):
        return None
    try:
        cited = json.loads(hits)
    except (ValueError, RecursionError):
        return None
    if not isinstance(cited, list) or not all(isinstance(c, str) for c in cited):
        return None
    return cited
