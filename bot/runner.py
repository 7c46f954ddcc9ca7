"""`sourcebot run`: read the token, build the Application, poll until stopped.

Exit code 2 with one line for a missing, malformed or rejected token, or for a Bot API
server that cannot be reached; never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from pathlib import Path

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError, TimedOut

from bot.app import build_application
from bot.config import Settings, project_root
from bot.logs import setup_logging
from bot.secrets import bot_token
from retrieval.errors import SourcebotError
from retrieval.library import Library

log = logging.getLogger(__name__)


class StartError(SourcebotError):
    """The bot could not start talking to Telegram."""


async def _check_connection(bot: Bot) -> None:
    async with bot:
        await bot.get_me()


def run_bot(
    settings: Settings,
    base_url: str | None = None,
    test_env: bool = False,
    index_dir: Path | None = None,
) -> int:
    """Run the bot with long polling until interrupted; return the exit code."""
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
        # Ask getMe once ourselves, so a bad token or address is one line, not PTB's traceback.
        asyncio.run(_check_connection(app.bot))
        app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
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
