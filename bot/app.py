"""The one factory that wires the Telegram Application: `build_application`.

The bot (bot/polling.py's HoldingBot: Bot API calls through bot/transport.py, defaults of
HTML parse mode and no link previews, AIORateLimiter), the update tracker that runs updates
concurrently and knows which are in flight (bot/inflight.py), the typed context
(bot/context.py), every handler (bot/handlers/__init__.py), and `post_init`, which loads
the library off the event loop and registers the command menu with setMyCommands: in
English for everyone, and in each language with a catalog for its users (bot/catalogs.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, Defaults

from bot.catalogs import ENGLISH, Words, catalog, catalog_languages
from bot.config import Settings
from bot.context import CONTEXT_TYPES, App
from bot.feedback import FeedbackStore
from bot.handlers import register
from bot.inflight import UpdateTracker
from bot.polling import HoldingBot
from bot.transport import FaultLog, RetryingRequest
from bot.wording import menu
from retrieval import Library

log = logging.getLogger(__name__)


def commands(words: Words = ENGLISH) -> list[BotCommand]:
    """Return the command menu in a language: /help's lines (bot/wording.py), so the two
    never disagree."""
    return [BotCommand(name, description) for name, description in menu(words)]


def menus() -> list[tuple[str | None, list[BotCommand]]]:
    """Return (language_code, commands) for setMyCommands: English as the default (None),
    then each language with a catalog (its base code: Telegram takes two letters)."""
    found: list[tuple[str | None, list[BotCommand]]] = [(None, commands())]
    for language in catalog_languages():
        found.append((language.split("_", 1)[0].lower(), commands(catalog(language))))
    return found


CONNECTIONS = 32  # concurrent Bot API calls; httpcore checks every pooled connection per call
POLL_READ_TIMEOUT = 15.0  # seconds a long poll may take before it counts as timed out
TEST_ENV_URL = "https://api.telegram.org/bot{token}/test"
TEST_ENV_FILE_URL = "https://api.telegram.org/file/bot{token}/test"


def build_application(
    settings: Settings,
    token: str,
    load_library: Callable[[], Library],
    *,
    rebuild_library: Callable[[], Library] | None = None,
    base_url: str | None = None,
    test_environment: bool = False,
) -> App:
    """Return the bot's Application; the library is loaded in post_init, off the event loop."""
    feedback = FeedbackStore(settings.privacy.feedback_file) if settings.privacy.feedback else None
    faults = FaultLog()

    async def post_init(app: App) -> None:
        state = app.bot_data
        state.library = await asyncio.to_thread(load_library)
        state.library.warm_up()  # while the menus are set and polling starts
        for language_code, menu_items in menus():
            await app.bot.set_my_commands(menu_items, language_code=language_code)
        log.info(
            "ready: %d sources, %d passages",
            len(state.library.sources),
            state.library.passage_total,
        )

    url = base_url or settings.telegram.base_url
    urls: dict[str, str] = {}
    if url:
        # Files come from the same server: http://host/bot -> http://host/file/bot.
        file_url = url[: -len("/bot")] + "/file/bot" if url.endswith("/bot") else None
        urls = {"base_url": url} | ({"base_file_url": file_url} if file_url else {})
    elif test_environment or settings.telegram.test_environment:
        urls = {"base_url": TEST_ENV_URL, "base_file_url": TEST_ENV_FILE_URL}
    tracker = UpdateTracker()
    bot = HoldingBot(
        tracker,
        token,
        request=RetryingRequest(faults, connection_pool_size=CONNECTIONS),
        get_updates_request=RetryingRequest(faults, read_timeout=POLL_READ_TIMEOUT),
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        rate_limiter=AIORateLimiter(
            overall_max_rate=settings.telegram.messages_per_second,
            group_max_rate=settings.telegram.group_messages_per_minute,
            group_time_period=60,
            max_retries=3,
        ),
        **urls,
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(tracker)
        .post_init(post_init)
    )
    app: App = builder.build()
    app.bot_data.configure(settings, faults, rebuild_library, feedback)
    register(app)
    return app


def polling_error_callback(app: App) -> Callable[[TelegramError], None]:
    """Return the callback for polling errors: one log line a fault streak, no traceback."""
    faults = app.bot_data.faults

    def note(error: TelegramError) -> None:
        faults.fault("getUpdates: server", f"{type(error).__name__}: {error}")

    return note
