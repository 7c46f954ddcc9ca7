"""Bot API faults where the call may have happened, end to end: answers lost after the
effect, pool timeouts under latency and load, a token rejected while polling or at start,
and an answer trickled a byte at a time.

Each fault is played by the Bot API stand-in the way Telegram, a proxy or the network
would produce it; bot/transport.py decides per failure whether a call is repeated.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.runner import stop_app
from bot.transport import not_sent, refused
from retrieval.answer.library import Library
from tests.support.botrun import running_bot, start_bot_process
from tests.support.configs import write_config
from tests.support.paths import REPO_ROOT
from tests.support.standin import (
    DEFAULT_USER_ID,
    BotApiStandin,
    DelayFault,
    DropConnectionFault,
    HttpErrorFault,
    LostAnswerFault,
    MalformedJsonFault,
    TrickleFault,
)

QUESTION = "Was Crimea discussed?"


def _sent(standin: BotApiStandin, chat_id: int) -> list[str]:
    """Return the texts of the messages that reached the chat (the calls that took effect)."""
    return [m.text for m in standin.messages(chat_id)]


@pytest.mark.parametrize("how", ["reset", "502", "truncated"])
async def test_a_reply_carried_out_then_lost_is_not_sent_again(
    settings: Settings, library: Library, how: Any, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(settings, library) as (standin, _):
        standin.fail_next("sendMessage", LostAnswerFault(how))
        await standin.send_text(QUESTION)
        await standin.wait_for("sendMessage", timeout=10)
        await asyncio.sleep(1.5)  # time for a retry, if there were one
        sent = _sent(standin, DEFAULT_USER_ID)
    assert len(sent) == 1 and "Crimea" in sent[0]
    assert any("may have gone through" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "fault", [DropConnectionFault(), MalformedJsonFault()], ids=["dropped", "not-json"]
)
async def test_a_reply_that_may_have_gone_through_is_not_repeated(
    settings: Settings, library: Library, fault: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # The bot cannot tell these from a lost answer (here the stand-in did not carry the call
    # out): the reply is not repeated, and the user is not told "something went wrong".
    async with running_bot(settings, library) as (standin, _):
        standin.fail_next("sendMessage", fault)
        await standin.send_text(QUESTION)
        await standin.wait_for("sendMessage", timeout=10)
        await asyncio.sleep(1.5)
        calls = [r for r in standin.requests if r.method == "sendMessage"]
    assert len(calls) == 1
    assert any("not repeated" in r.getMessage() for r in caplog.records)


async def test_a_repeatable_call_is_repeated_through_a_lost_answer(
    settings: Settings, library: Library
) -> None:
    # An edit carried out twice shows once ("message is not modified"): it is repeated.
    async with running_bot(settings, library) as (standin, _):
        await standin.send_text("Russia")
        await standin.wait_for("sendMessage")
        answer = standin.messages(DEFAULT_USER_ID)[-1]
        more = next(d for d in answer.callback_data() if d.startswith("m:"))
        standin.fail_next("editMessageText", DropConnectionFault())
        standin.fail_next("editMessageText", LostAnswerFault("502"))
        await standin.send_callback(more, message=answer)
        await standin.wait_for("editMessageText", lambda r: r.ok, timeout=10)
        edited = standin.messages(DEFAULT_USER_ID)[-1]
    assert edited.edit_date is not None and edited.text != answer.text


async def test_not_sent_and_refused_are_told_apart(unused_tcp_port: int) -> None:
    # Nothing listens on the port: the connection is refused, the call certainly not sent.
    request = HTTPXRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError) as refused_connection:
            await request.do_request(f"http://127.0.0.1:{unused_tcp_port}/botX/getMe", "POST")
    finally:
        await request.shutdown()
    assert not_sent(refused_connection.value)
    assert isinstance(refused_connection.value.__cause__, httpx.ConnectError)
    assert refused(500, b'{"ok": false, "error_code": 500, "description": "Internal"}')
    assert not refused(502, b"<html>502 Bad Gateway</html>")  # a proxy's page: unknown
    assert not refused(200, b'{"ok": false}')


async def test_pool_timeouts_under_latency_and_load_lose_no_reply(
    settings: Settings, library: Library
) -> None:
    # 100 users at once while every sendMessage takes 2.5 s: more replies than connections.
    users = [20_000 + i for i in range(100)]
    async with running_bot(settings, library) as (standin, _):
        standin.fail_next("sendMessage", DelayFault(2.5), times=len(users))
        await asyncio.gather(*(standin.send_text(QUESTION, chat_id=u, user_id=u) for u in users))
        await standin.wait_for("sendMessage", lambda r: r.ok, count=len(users), timeout=90)
        await asyncio.sleep(1.0)
        counts = [len(_sent(standin, u)) for u in users]
    assert counts == [1] * len(users)


async def test_a_trickled_long_poll_does_not_hold_a_stop(
    settings: Settings, library: Library
) -> None:
    async with running_bot(settings, library) as (standin, app):
        standin.fail_next("getUpdates", TrickleFault(seconds=120, every=1.0), times=10)
        await standin.send_text(QUESTION)  # the next poll answers at once, a byte a second
        await asyncio.sleep(2.0)
        started = time.monotonic()
        await stop_app(app, stop_seconds=2.0)
        stopped = time.monotonic() - started
    assert stopped < 10.0


def _stderr_lines(stderr: bytes) -> list[str]:
    return [line for line in stderr.decode().splitlines() if line.strip()]


@pytest.mark.parametrize("status", [401, 404])
async def test_a_token_rejected_while_polling_ends_the_process(tmp_path: Path, status: int) -> None:
    config = write_config(tmp_path, REPO_ROOT / "seeds")
    async with BotApiStandin() as standin:
        proc = await start_bot_process(standin, config)
        try:
            await standin.send_text(QUESTION)
            await standin.wait_for("sendMessage", timeout=30)
            standin.fail_next("getUpdates", HttpErrorFault(status), times=1000)
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGKILL)
                await proc.wait()
    assert proc.returncode == 2
    errors = [line for line in _stderr_lines(stderr) if "sourcebot: error" in line]
    assert len(errors) == 1 and "stopped accepting the token" in errors[0]
    assert "Traceback" not in stderr.decode()
    assert standin.token not in stderr.decode()


@pytest.mark.parametrize(
    ("method", "status", "expected"),
    [("getMe", 403, "refused the bot"), ("setMyCommands", 409, "another copy of this bot")],
)
async def test_a_refusal_at_start_is_one_line(
    tmp_path: Path, method: str, status: int, expected: str
) -> None:
    config = write_config(tmp_path, REPO_ROOT / "seeds")
    async with BotApiStandin() as standin:
        standin.fail_next(method, HttpErrorFault(status))
        proc = await start_bot_process(standin, config)
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert "Traceback" not in stderr.decode()
    errors = [line for line in _stderr_lines(stderr) if "sourcebot: error" in line]
    assert len(errors) == 1 and expected in errors[0]


async def test_the_token_is_never_printed_at_start(tmp_path: Path) -> None:
    # A proxy's refusal that quotes the request URL, token and all.
    config = write_config(tmp_path, REPO_ROOT / "seeds")
    async with BotApiStandin() as standin:
        quoted = HttpErrorFault(403, f"Forbidden: proxy denied /bot{standin.token}/getMe")
        standin.fail_next("getMe", quoted)
        proc = await start_bot_process(standin, config)
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert standin.token not in stderr.decode()
    assert "[REDACTED-TOKEN]" in stderr.decode()
