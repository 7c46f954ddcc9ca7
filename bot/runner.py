"""`sourcebot run`: read the token, build the Application, poll until stopped.

Exit code 2 with one line for a missing, malformed or rejected token, or for a Bot API
server that cannot be reached; never a traceback. SIGINT (Ctrl-C) and SIGTERM stop
fetching updates at once, let the replies in flight finish (at most STOP_SECONDS), confirm
the processed updates to Telegram, and exit 0, so that after a restart no update is
answered twice and none is lost.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from functools import partial
from pathlib import Path

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TimedOut

from bot.app import build_application, polling_error_callback
from bot.config import Settings, project_root
from bot.context import App
from bot.logs import setup_logging
from bot.secrets import bot_token
from retrieval import Library, SourcebotError

log = logging.getLogger(__name__)

STOP_SECONDS = 5.0


class StartError(SourcebotError):
    """The bot could not start talking to Telegram."""


async def serve(app: App, stop_seconds: float = STOP_SECONDS) -> None:
    """Poll until SIGINT or SIGTERM, then stop cleanly within stop_seconds."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await app.initialize()  # getMe: a bad token or address fails here, with no retry loop
    try:
        if app.post_init is not None:
            await app.post_init(app)
        if app.updater is None:  # pragma: no cover - build_application always has one
            raise StartError("the application has no updater")
        await app.updater.start_polling(
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
            error_callback=polling_error_callback(app),
        )
        await app.start()
        log.info("polling; Ctrl-C or SIGTERM stops")
        await stop.wait()
        log.info("stopping: finishing the replies in flight")
        await app.updater.stop()  # no new updates; the processed ones are confirmed
        try:
            await asyncio.wait_for(app.stop(), stop_seconds)
        except TimeoutError:
            log.warning("replies still running after %.0f s were cancelled", stop_seconds)
    finally:
        await app.shutdown()


def run_bot(
    settings: Settings,
    base_url: str | None = None,
    test_env: bool = False,
    index_dir: Path | None = None,
) -> int:
    """Run the bot with long polling until stopped; return the exit code."""
    setup_logging()
    token = bot_token(project_root(settings.path) / ".env")
    app = build_application(
        settings,
        token,
        partial(Library.load, settings.retrieval, index_dir),
        rebuild_library=partial(Library.rebuild, settings.retrieval, index_dir),
        base_url=base_url,
        test_environment=test_env,
    )
    try:
        asyncio.run(serve(app))
    except InvalidToken as exc:
        raise StartError(
            "Telegram rejected the token: check TELEGRAM_BOT_TOKEN (a test-environment token "
            "needs --test-env, a production one must not have it)"
        ) from exc
    except (NetworkError, TimedOut) as exc:
        raise StartError(
            f"cannot reach the Bot API server ({exc.message}): check the network or --base-url"
        ) from exc
    return 0
