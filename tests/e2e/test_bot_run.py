"""`sourcebot run` as a user starts it: a real process, the token from the environment or
.env, long polling against the local Bot API stand-in, a clean exit on Ctrl-C, and one
clear line with exit code 2 for a missing, malformed or rejected token."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.secrets import TokenError, bot_token, read_dotenv
from tests.support.paths import REPO_ROOT
from tests.support.standin import DEFAULT_USER_ID, BotApiStandin

ROOT = REPO_ROOT
SOURCEBOT = [sys.executable, "-m", "bot.cli"]


def _env(token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    if token is not None:
        env["TELEGRAM_BOT_TOKEN"] = token
    return env


async def _run(*args: str, token: str | None, cwd: Path = ROOT) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        *SOURCEBOT,
        "run",
        *args,
        cwd=cwd,
        env=_env(token),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_run_polls_answers_and_stops_on_ctrl_c() -> None:
    async with BotApiStandin() as standin:
        started = time.perf_counter()
        proc = await _run("--base-url", standin.base_url, token=standin.token)
        try:
            # Queued before the bot is up: its first getUpdates returns it at once.
            await standin.send_text("Was Crimea discussed?")
            (reply,) = await standin.wait_for("sendMessage", timeout=30)
            startup = time.perf_counter() - started
            assert "Crimea" in str(reply.params["text"])
        finally:
            proc.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "ready: 2 sources, 29 passages" in log
    assert standin.token not in log
    print(f"process start to first answer: {startup:.2f} s (imports and index included)")


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (None, "TELEGRAM_BOT_TOKEN is not set"),
        ("not-a-token", "does not look like a bot token"),
    ],
)
async def test_missing_or_malformed_token(token: str | None, expected: str, tmp_path: Path) -> None:
    # Run from a folder with no .env, pointing at the project's config.
    config = ROOT / "config" / "bot.yaml"
    proc = await _run("--config", str(config), token=token, cwd=tmp_path)
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    lines = stderr.decode().strip().splitlines()
    assert proc.returncode == 2
    assert len(lines) == 1 and expected in lines[0] and "@BotFather" in lines[0]


async def test_rejected_token() -> None:
    async with BotApiStandin() as standin:
        wrong = "987654321:" + "x" * 35
        proc = await _run("--base-url", standin.base_url, token=wrong)
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    lines = [line for line in stderr.decode().splitlines() if "sourcebot: error" in line]
    assert len(lines) == 1 and "rejected the token" in lines[0]
    assert "Traceback" not in stderr.decode()
    assert wrong not in stderr.decode()


def test_token_from_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    dotenv = tmp_path / ".env"
    token = "123456:" + "A" * 35
    dotenv.write_text(f"# comment\nexport TELEGRAM_BOT_TOKEN='{token}'\n", encoding="utf-8")
    assert read_dotenv(dotenv) == {"TELEGRAM_BOT_TOKEN": token}
    assert bot_token(dotenv) == token
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "999999:" + "B" * 35)
    assert bot_token(dotenv).startswith("999999:")  # the environment wins
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "  ")
    dotenv.write_text("OTHER=1\n", encoding="utf-8")
    with pytest.raises(TokenError, match="@BotFather"):
        bot_token(dotenv)


def test_dotenv_is_git_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored
    assert DEFAULT_USER_ID  # the stand-in's user is the one that asks above
