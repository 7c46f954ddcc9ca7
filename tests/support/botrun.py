"""Run the real bot Application against a fresh Bot API stand-in, for a test's duration."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import IO

from telegram import Update
from telegram.ext import Application

from bot.app import build_application, polling_error_callback
from bot.config import Settings
from bot.runner import stop_app
from retrieval.answer.library import Library
from tests.support.standin import BotApiStandin

Running = tuple[BotApiStandin, Application]  # type: ignore[type-arg]


@asynccontextmanager
async def running_bot(settings: Settings, library: Library) -> AsyncIterator[Running]:
    """Yield (stand-in, application) with the bot polling; stop both afterwards."""
    async with BotApiStandin() as standin, running_app(standin, settings, library) as app:
        yield standin, app


@asynccontextmanager
async def running_app(
    standin: BotApiStandin, settings: Settings, library: Library
) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    """Yield the application polling an existing stand-in (a bot restarted, say); stop it
    afterwards as `sourcebot run` stops."""
    app = build_application(settings, standin.token, lambda: library, base_url=standin.base_url)
    async with app:
        if app.post_init is None or app.updater is None:  # pragma: no cover
            raise RuntimeError("the application has no post_init or updater")
        await app.post_init(app)
        await app.updater.start_polling(
            poll_interval=0.0,
            timeout=1,
            allowed_updates=Update.ALL_TYPES,  # as `sourcebot run` asks
            error_callback=polling_error_callback(app),
        )
        await app.start()
        try:
            yield app
        finally:  # a test may have stopped it itself
            await stop_app(app)


async def start_bot_process(
    standin: BotApiStandin,
    config: Path,
    *args: str,
    cwd: Path | None = None,
    quiet: bool = False,
    log: Path | None = None,
    env: dict[str, str] | None = None,
) -> asyncio.subprocess.Process:
    """Start `sourcebot run` as a user would, against the stand-in, with its token (and env).

    Its stderr is piped, or dropped when quiet, or written to the file `log`.
    """
    stderr: int | IO[bytes] = asyncio.subprocess.DEVNULL if quiet else asyncio.subprocess.PIPE
    if log is not None:
        stderr = log.open("ab")
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            "--config",
            str(config),
            "--base-url",
            standin.base_url,
            *args,
            env={**os.environ, "TELEGRAM_BOT_TOKEN": standin.token, **(env or {})},
            cwd=cwd,
            stderr=stderr,
        )
    finally:
        if log is not None and not isinstance(stderr, int):
            stderr.close()  # the child has its own copy
