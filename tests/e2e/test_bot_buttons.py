"""Buttons nobody should press, end to end: another person's question id, a forged deep
offset, repeated and changed votes; and votes waiting for a locked feedback file while
questions are still answered."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.feedback import FeedbackStore
from retrieval.answer.library import Library
from tests.support.botrun import running_bot
from tests.support.configs import with_sections
from tests.support.standin import DEFAULT_USER_ID, BotApiStandin, SentMessage

QUESTION = "Was Crimea discussed?"
OTHER = 4343
GROUP = -1010


def _button(message: SentMessage, prefix: str) -> str:
    return next(d for d in message.callback_data() if d.startswith(prefix))


async def _answer_to(standin: BotApiStandin, text: str, user: int, count: int) -> SentMessage:
    await standin.send_text(text, chat_id=user, user_id=user)
    await standin.wait_for("sendMessage", lambda r: r.params.get("chat_id") == user, count=count)
    return standin.messages(user)[-1]


async def test_another_persons_question_id_finds_nothing(
    settings: Settings, library: Library
) -> None:
    async with running_bot(settings, library) as (standin, _):
        theirs = await _answer_to(standin, "Russia", DEFAULT_USER_ID, 1)
        mine = await _answer_to(standin, "Kerry", OTHER, 1)
        their_more = _button(theirs, "m:")
        # Their More button's data, sent from my own message (a client can send any data).
        await standin.send_callback(their_more, message=mine, user_id=OTHER)
        (pressed,) = await standin.wait_for("answerCallbackQuery")
        await asyncio.sleep(0.5)
        edits = [r for r in standin.requests if r.method == "editMessageText"]
    assert "earlier session" in str(pressed.params.get("text"))
    assert edits == []
    assert len(their_more) < 64 and len(their_more.split(":")[1]) >= 12


async def test_a_forged_deep_offset_costs_no_search(
    settings: Settings, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    offsets: list[int] = []
    real = library.answer

    def spy(question: str, top_k: int | None = None, offset: int = 0, **kwargs: Any) -> Any:
        offsets.append(offset)
        return real(question, top_k, offset, **kwargs)

    monkeypatch.setattr(library, "answer", spy)
    async with running_bot(settings, library) as (standin, _):
        answer = await _answer_to(standin, "Russia", DEFAULT_USER_ID, 1)
        qid = _button(answer, "m:").split(":")[1]
        for offset in ("1000000000", "-3", "61"):
            await standin.send_callback(f"m:{qid}:{offset}", message=answer)
        pressed = await standin.wait_for("answerCallbackQuery", count=3)
    assert max(offsets) <= 60
    assert all("earlier session" in str(p.params.get("text")) for p in pressed)


async def test_votes_are_one_per_person_and_answer(
    settings: Settings, library: Library, tmp_path: Path
) -> None:
    store = tmp_path / "votes.sqlite3"
    voting = with_sections(settings, privacy={"feedback": True, "feedback_file": store})
    async with running_bot(voting, library) as (standin, _):
        await standin.send_text(f"/ask {QUESTION}", chat_id=GROUP, chat_type="group")
        await standin.wait_for("sendMessage")
        answer = standin.messages(GROUP)[-1]
        up, down = [d for d in answer.callback_data() if d.startswith("v:")]
        presses = [(down, DEFAULT_USER_ID)] * 5 + [(up, DEFAULT_USER_ID), (down, OTHER)]
        for count, (vote, user) in enumerate(presses, start=1):
            await standin.send_callback(vote, message=answer, user_id=user)
            await standin.wait_for("answerCallbackQuery", count=count)
    summary = FeedbackStore(store).summary()
    assert (summary.up, summary.down) == (1, 1)  # the asker changed their mind; one more down
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT question, voter FROM votes").fetchall()
    assert len(rows) == 2 and all(q == QUESTION for q, _ in rows)
    assert not any(str(DEFAULT_USER_ID) in voter or str(OTHER) in voter for _, voter in rows)


async def test_questions_are_answered_while_votes_wait_for_a_locked_file(
    settings: Settings, library: Library, tmp_path: Path
) -> None:
    store = tmp_path / "votes.sqlite3"
    FeedbackStore(store).record("an earlier question", ["a#1"], True, "key")
    voting = with_sections(
        settings,
        privacy={"feedback": True, "feedback_file": store},
        limits={"questions_per_minute": 0},
    )
    locker = sqlite3.connect(store, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        async with running_bot(voting, library) as (standin, _):
            answer = await _answer_to(standin, QUESTION, DEFAULT_USER_ID, 1)
            vote = _button(answer, "v:")
            for user in range(30):
                await standin.send_callback(vote, message=answer, user_id=DEFAULT_USER_ID + user)
            await asyncio.sleep(0.3)
            asked = time.monotonic()
            await standin.send_text("Will the sanctions be lifted?")
            await standin.wait_for("sendMessage", count=2, timeout=30)
            waited = time.monotonic() - asked
            pressed = await standin.wait_for("answerCallbackQuery", count=30, timeout=60)
    finally:
        locker.rollback()
        locker.close()
    assert waited < 3.0, f"a question waited {waited:.1f} s behind votes on a locked file"
    assert all(p.ok for p in pressed)  # every press answered: noted or "try again later"
    assert any("could not note" in str(p.params.get("text")) for p in pressed)
