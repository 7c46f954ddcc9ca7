"""The one factory that wires the Telegram Application: `build_application`.

Defaults (HTML parse mode, no link previews), AIORateLimiter, concurrent updates, every
handler and the error handler, and `post_init`, which loads the library off the event
loop and registers the command menu with setMyCommands.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import handlers as h
from bot.config import Settings
from bot.feedback import FeedbackStore
from bot.gate import Gate, gate
from bot.state import STATE_KEY, BotState
from bot.transport import RetryingRequest
from retrieval.library import Library

log = logging.getLogger(__name__)

COMMANDS = (
    BotCommand("start", "What I know and how to ask"),
    BotCommand("help", "Every command"),
    BotCommand("sources", "The sources, numbered"),
    BotCommand("summary", "Summary: all, /summary N, or /summary <topic>"),
    BotCommand("ask", "Ask a question (in groups)"),
)
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
) -> Application:  # type: ignore[type-arg]
    """Return the bot's Application; the library is loaded in post_init, off the event loop."""
    feedback = FeedbackStore(settings.privacy.feedback_file) if settings.privacy.feedback else None
    state = BotState(settings=settings, rebuild=rebuild_library, feedback=feedback)

    async def post_init(app: Application) -> None:  # type: ignore[type-arg]
        state.library = await asyncio.to_thread(load_library)
        app.bot_data[STATE_KEY] = state
        await app.bot.set_my_commands(list(COMMANDS))
        if rebuild_library is not None and hasattr(signal, "SIGHUP"):
            # SIGHUP reloads the sources, like /reload, without a restart.
            asyncio.get_running_loop().add_signal_handler(
                signal.SIGHUP, lambda: app.create_task(h.reload_on_signal(state))
            )
        log.info(
            "ready: %d sources, %d passages", len(state.library.sources), len(state.library.index)
        )

    builder = (
        ApplicationBuilder()
        .token(token)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=settings.telegram.messages_per_second,
                group_max_rate=settings.telegram.group_messages_per_minute,
                group_time_period=60,
                max_retries=3,
            )
        )
        .request(RetryingRequest(state.faults, connection_pool_size=CONNECTIONS))
        .get_updates_request(RetryingRequest(state.faults, read_timeout=POLL_READ_TIMEOUT))
        .concurrent_updates(True)
        .post_init(post_init)
    )
    url = base_url or settings.telegram.base_url
    if url:
        builder = builder.base_url(url)
    elif test_environment or settings.telegram.test_environment:
        builder = builder.base_url(TEST_ENV_URL).base_file_url(TEST_ENV_FILE_URL)
    app = builder.build()
    app.bot_data[STATE_KEY] = state
    app.bot_data["gate"] = Gate(settings)
    app.add_handler(TypeHandler(Update, gate), group=-1)

    new = filters.UpdateType.MESSAGE  # edited messages are ignored
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(CommandHandler("start", h.on_start, filters=new))
    app.add_handler(CommandHandler("help", h.on_help, filters=new))
    app.add_handler(CommandHandler("sources", h.on_sources, filters=new))
    app.add_handler(CommandHandler("summary", h.on_summary, filters=new))
    app.add_handler(CommandHandler("ask", h.on_ask, filters=new))
    app.add_handler(CommandHandler("reload", h.on_reload, filters=new))
    app.add_handler(CommandHandler("stats", h.on_stats, filters=new))
    app.add_handler(MessageHandler(new & filters.COMMAND, h.on_unknown_command))
    app.add_handler(MessageHandler(new & private & text, h.on_text))
    app.add_handler(MessageHandler(new & groups & text & h.AddressedToBot(), h.on_text))
    others = ~filters.TEXT & ~filters.StatusUpdate.ALL
    app.add_handler(MessageHandler(new & private & others, h.on_other))
    app.add_handler(MessageHandler(new & groups & others & h.AddressedToBot(), h.on_other))
    app.add_handler(CallbackQueryHandler(h.on_button))
    app.add_handler(InlineQueryHandler(h.on_inline))
    app.add_error_handler(h.on_error)
    return app


def polling_error_callback(app: Application) -> Callable[[TelegramError], None]:  # type: ignore[type-arg]
    """Return the callback for polling errors: one log line a fault streak, no traceback."""
    state: BotState = app.bot_data[STATE_KEY]

    def note(error: TelegramError) -> None:
        state.faults.fault("getUpdates: server", f"{type(error).__name__}: {error}")

    return note
