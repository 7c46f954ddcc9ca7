"""Webhook mode: `sourcebot run --webhook-url` tells the stand-in where to post updates
(setWebhook with the secret token) and answers an update posted to its web server on
localhost with the right X-Telegram-Bot-Api-Secret-Token; one without it, or with another,
is refused and never answered."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
from pathlib import Path

import aiohttp

from tests.support.botrun import start_bot_process
from tests.support.configs import write_config
from tests.support.paths import REPO_ROOT
from tests.support.standin import BotApiStandin

SECRET = "s3cret-Webhook_token"
HOOK = "https://bot.example.org/sourcebot/hook"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _post(port: int, update: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/sourcebot/hook", data=json.dumps(update), headers=headers
        ) as response,
    ):
        return response.status


async def _serving(port: int) -> None:
    for _ in range(300):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError("the webhook server never listened")


async def test_the_webhook_answers_only_updates_with_the_secret(tmp_path: Path) -> None:
    port = _free_port()
    config = write_config(tmp_path, REPO_ROOT / "seeds", {"    port: 8443": f"    port: {port}"})
    async with BotApiStandin() as standin:
        proc = await start_bot_process(
            standin,
            config,
            "--webhook-url",
            HOOK,
            cwd=tmp_path,
            env={"TELEGRAM_WEBHOOK_SECRET": SECRET},
        )
        try:
            (hook,) = await standin.wait_for("setWebhook", timeout=60)
            assert hook.params["url"] == HOOK and hook.params["secret_token"] == SECRET
            await _serving(port)
            # Updates queued at the stand-in are not fetched (getUpdates is refused while a
            # webhook is set): the test posts them as Telegram would.
            refused = standin.update(await standin.send_text("Was Crimea discussed? (no secret)"))
            wrong = standin.update(await standin.send_text("Was Crimea discussed? (wrong)"))
            right = standin.update(await standin.send_text("Was Crimea discussed?"))
            assert await _post(port, refused, None) == 403
            assert await _post(port, wrong, "another-secret") == 403
            assert await _post(port, right, SECRET) == 200
            (reply,) = await standin.wait_for("sendMessage", timeout=30)
            assert "Crimea" in str(reply.params["text"])
            await asyncio.sleep(0.5)
            assert len([r for r in standin.requests if r.method == "sendMessage"]) == 1
            assert not [r for r in standin.requests if r.method == "getUpdates"]
        finally:
            proc.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert f"serving the webhook {HOOK} on 127.0.0.1:{port}" in log
    assert SECRET not in log and standin.token not in log


async def test_a_webhook_url_that_is_not_https_is_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, REPO_ROOT / "seeds")
    async with BotApiStandin() as standin:
        proc = await start_bot_process(
            standin, config, "--webhook-url", "http://bot.example.org/hook", cwd=tmp_path
        )
        _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert "must be an https:// address" in lines[-1] and "Traceback" not in stderr.decode()
