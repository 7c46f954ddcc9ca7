"""The feedback file: one vote per person and answer, and a summary that reads any file
without a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.feedback import FeedbackError, FeedbackStore, voter_key
from tests.support.configs import write_config
from tests.support.paths import REPO_ROOT


def test_a_second_vote_replaces_the_first(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "votes.sqlite3")
    store.record("q", ["a.txt#1"], False, voter_key("qid", 7))
    store.record("q", ["a.txt#1"], True, voter_key("qid", 7))
    store.record("q", ["a.txt#1"], False, voter_key("qid", 8))
    summary = store.summary()
    assert (summary.up, summary.down) == (1, 1)


def test_a_file_from_before_voter_keys_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE votes (id INTEGER PRIMARY KEY, at TEXT NOT NULL, "
            "question TEXT NOT NULL, hits TEXT NOT NULL, up INTEGER NOT NULL)"
        )
        db.execute("INSERT INTO votes (at, question, hits, up) VALUES ('t', 'q', '[]', 0)")
    FeedbackStore(path).record("q", [], True, voter_key("x", 1))
    assert (FeedbackStore(path).summary().up, FeedbackStore(path).summary().down) == (1, 1)


def test_bad_rows_are_skipped_and_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "votes.sqlite3"
    FeedbackStore(path).record("fine", ["a.txt#1"], False, voter_key("x", 1))
    with sqlite3.connect(path) as db:
        for hits, up in (("not json", 0), ('{"a": 1}', 0), ("[1, 2]", 0), ('["a"]', 7)):
            db.execute(
                "INSERT INTO votes (at, question, hits, up) VALUES ('t', 'q', ?, ?)", (hits, up)
            )
    config = write_config(
        tmp_path,
        REPO_ROOT / "seeds",
        {"feedback_file: feedback.sqlite3": f"feedback_file: {path}"},
    )
    assert main(["feedback", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "0 👍, 1 👎" in out and "4 rows that are not sourcebot votes were skipped" in out


def test_a_file_that_is_not_sqlite_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "votes.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(FeedbackError):
        FeedbackStore(path).summary()
    config = write_config(
        tmp_path,
        REPO_ROOT / "seeds",
        {"feedback_file: feedback.sqlite3": f"feedback_file: {path}"},
    )
    assert main(["feedback", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "feedback file" in err[0]
