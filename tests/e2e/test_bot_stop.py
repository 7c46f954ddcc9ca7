"""Stopping and starting without losing or repeating work: updates confirmed to Telegram only
once their replies are under way, replies that cannot finish in time delivered again after
a restart, and SIGHUP while the bot is still starting."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.runner import stop_app
from retrieval.answer.library import Library
from tests.support.botrun import running_app, running_bot, start_bot_process
from tests.support.configs import write_config
from tests.support.paths import REPO_ROOT
from tests.support.standin import DEFAULT_USER_ID, BotApiStandin

QUESTION = "Was Crimea discussed?"


def _slow(library: Library, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    real = library.answer

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(library, "answer", slow)


async def test_an_update_is_confirmed_only_once_its_reply_begins(
    settings: Settings, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    _slow(library, monkeypatch, 2.0)
    async with running_bot(settings, library) as (standin, _):
        await standin.send_text(QUESTION)
        await standin.wait_for("getUpdates", lambda r: bool(r.result), timeout=10)
        await asyncio.sleep(1.2)  # polls happen meanwhile
        # A process killed now would get the question again: Telegram still keeps it.
        assert standin.pending_update_count == 1
        await standin.wait_for("sendMessage", timeout=10)
        await standin.send_text("Will the sanctions be lifted?")
        await standin.wait_for("sendMessage", count=2, timeout=10)
        assert standin.pending_update_count <= 1  # the first one is confirmed by now


async def test_a_reply_not_begun_at_stop_is_answered_after_a_restart(
    settings: Settings, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with BotApiStandin() as standin:
        with monkeypatch.context() as patched:
            _slow(library, patched, 3.0)
            async with running_app(standin, settings, library) as app:
                await standin.send_text(QUESTION)
                await standin.wait_for("getUpdates", lambda r: bool(r.result), timeout=10)
                await asyncio.sleep(0.3)  # the answer is being worked out
                await stop_app(app, stop_seconds=0.5)
        assert standin.pending_update_count == 1  # not confirmed: Telegram delivers it again
        assert not [r for r in standin.requests if r.method == "sendMessage"]
        await asyncio.sleep(3.0)  # the abandoned answer's thread finishes meanwhile
        async with running_app(standin, settings, library):
            await standin.wait_for("sendMessage", timeout=10)
            await asyncio.sleep(1.0)
        replies = [r for r in standin.requests if r.method == "sendMessage"]
    assert len(replies) == 1 and "Crimea" in str(replies[0].params["text"])


async def test_sighup_while_starting_is_safe(tmp_path: Path) -> None:
    config = write_config(tmp_path, REPO_ROOT / "seeds")
    async with BotApiStandin() as standin:
        proc = await start_bot_process(standin, config)
        assert proc.stderr is not None
        lines: list[str] = []
        while not any("starting" in line for line in lines):
            lines.append((await asyncio.wait_for(proc.stderr.readline(), 30)).decode())
        # Hang-ups all through the start-up: loading the sources, talking to Telegram.
        while not any(r.method == "getUpdates" for r in standin.requests):
            proc.send_signal(signal.SIGHUP)
            await asyncio.sleep(0.02)
            assert proc.returncode is None
        await standin.send_text(QUESTION)
        (reply,) = await standin.wait_for("sendMessage", timeout=30)
        proc.send_signal(signal.SIGINT)
        _, rest = await asyncio.wait_for(proc.communicate(), 30)
    log = "".join(lines) + rest.decode()
    assert proc.returncode == 0, log
    assert "Crimea" in str(reply.params["text"])
    assert reply.params["chat_id"] == DEFAULT_USER_ID
    assert "SIGHUP while starting" in log and "reloaded" in log
