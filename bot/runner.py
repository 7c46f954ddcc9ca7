"""`sourcebot run`: read the token, build the Application, poll (or serve a webhook:
bot/webhook.py) until stopped, logging a metrics line a minute.

Exit code 2 with one line for a missing, malformed or rejected token, for a Bot API server
that cannot be reached or refuses the bot (403, 409), and for a token Telegram stops
accepting while the bot polls (401 or 404: revoked, or the bot deleted), so a supervisor
sees the bot is down; never a traceback. SIGINT (Ctrl-C) and SIGTERM stop fetching updates
at once, let the replies in flight finish (at most STOP_SECONDS), confirm to Telegram only
the updates that were handled, and exit 0: an update whose reply had not begun is delivered
again after a restart, one whose reply had begun is not (it may have gone out). SIGHUP
re-reads the sources, also when it comes while the bot is still starting. In webhook mode
Telegram counts an update as delivered once the webhook answered it, so there is nothing to
confirm at the stop.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from functools import partial
from pathlib import Path

from telegram import Update
from telegram.error import Conflict, Forbidden, InvalidToken, NetworkError, TelegramError

from bot.app import build_application, polling_error_callback
from bot.config import Settings, project_root
from bot.context import App
from bot.handlers.admin import reload_on_signal
from bot.logs import setup_logging
from bot.polling import HoldingBot
from bot.secrets import bot_token
from bot.stats import METRICS_SECONDS, log_metrics
from bot.webhook import Webhook, start_webhook, webhook_from
from retrieval import Library, SourcebotError

log = logging.getLogger(__name__)

STOP_SECONDS = 10.0  # for the replies in flight to finish
POLL_STOP_SECONDS = 3.0  # for the long poll to end (a trickled answer must not hold a stop)
CONFIRM_SECONDS = 3.0  # for the last getUpdates, which tells Telegram what was handled


class StartError(SourcebotError):
    """The bot could not start talking to Telegram, or Telegram stopped accepting it."""


class Signals:
    """SIGINT/SIGTERM stop the bot; SIGHUP asks for a reload, at once or once started."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self.reload_wanted = False
        self._reload: Callable[[], object] | None = None

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Handle the signals on the event loop from now on."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop.set)
        if hasattr(signal, "SIGHUP"):
            loop.add_signal_handler(signal.SIGHUP, self.hangup)

    def hangup(self) -> None:
        """Reload now, or remember to once the bot has started."""
        if self._reload is None:
            log.info("SIGHUP while starting: the sources are re-read once the bot is ready")
            self.reload_wanted = True
        else:
            self._reload()

    def ready(self, reload: Callable[[], object] | None) -> None:
        """Start reloading on SIGHUP, and do the reload asked for while starting."""
        self._reload = reload or (lambda: log.info("SIGHUP: this bot cannot reload"))
        if self.reload_wanted:
            self.reload_wanted = False
            self._reload()


def ignore_hangup_until_serving() -> None:
    """Keep an early SIGHUP (before the event loop runs) from killing the process."""
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda signum, frame: None)


async def serve(
    app: App,
    stop_seconds: float = STOP_SECONDS,
    signals: Signals | None = None,
    webhook: Webhook | None = None,
    metrics_seconds: float = METRICS_SECONDS,
) -> None:
    """Poll (or serve the webhook) until SIGINT or SIGTERM, then stop cleanly within
    stop_seconds.

    StartError when Telegram refuses the bot at start or stops accepting its token.
    """
    signals = signals or Signals()
    signals.install(asyncio.get_running_loop())
    metrics: asyncio.Future[None] | None = None
    try:
        await app.initialize()  # getMe: a bad token or address fails here, with no retry loop
    except TelegramError as exc:
        raise _start_error(exc) from exc
    try:
        if app.post_init is not None:
            await app.post_init(app)
        if app.updater is None:  # pragma: no cover - build_application always has one
            raise StartError("the application has no updater")
        state = app.bot_data
        reload: Callable[[], object] | None = None
        if state.rebuild is not None:
            reload = partial(_reload_task, app)
        if webhook is None:
            await app.updater.start_polling(
                allowed_updates=Update.ALL_TYPES,
                drop_pending_updates=False,
                error_callback=polling_error_callback(app),
            )
        else:
            try:
                await start_webhook(app, webhook)
            except OSError as exc:  # the port is taken, or the address not this machine's
                raise StartError(
                    f"cannot serve the webhook on {webhook.listen}:{webhook.port} "
                    f"({exc.strerror or exc}): set telegram.webhook.listen and port"
                ) from exc
        await app.start()
        signals.ready(reload)
        metrics = asyncio.ensure_future(log_metrics(state.stats, metrics_seconds))
        if webhook is None:
            log.info("polling; Ctrl-C or SIGTERM stops")
        else:
            log.info(
                "serving the webhook %s on %s:%d; Ctrl-C or SIGTERM stops",
                webhook.url,
                webhook.listen,
                webhook.port,
            )
        rejected = await _until_stopped(app, signals.stop)
        metrics.cancel()
        if rejected is not None:
            log.error("Telegram no longer accepts the token (%s): stopping", rejected.message)
        else:
            log.info("stopping: finishing the replies in flight")
        await stop_app(app, stop_seconds, confirm=webhook is None)
        if rejected is not None:
            raise StartError(
                f"Telegram stopped accepting the token while polling ({rejected.message}): "
                "it was revoked or the bot deleted; set a new TELEGRAM_BOT_TOKEN and restart"
            )
    except TelegramError as exc:
        raise _start_error(exc) from exc
    finally:
        if metrics is not None:
            metrics.cancel()
        await app.shutdown()


def _reload_task(app: App) -> None:
    app.create_task(reload_on_signal(app.bot_data))


async def _until_stopped(app: App, stop: asyncio.Event) -> InvalidToken | None:
    """Wait for a stop signal, or for polling to meet a rejected token (returned)."""
    bot = app.bot
    waits = [asyncio.ensure_future(stop.wait())]
    if isinstance(bot, HoldingBot):
        waits.append(asyncio.ensure_future(bot.rejected.wait()))
    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    for waiting in waits:
        waiting.cancel()
    return bot.rejection if isinstance(bot, HoldingBot) else None


async def stop_app(app: App, stop_seconds: float = STOP_SECONDS, *, confirm: bool = True) -> None:
    """Stop fetching, let the replies in flight finish, confirm what was handled (when
    polling: `confirm`).

    Replies still running after stop_seconds are cancelled; an update whose reply had not
    begun stays unconfirmed, so Telegram delivers it again after a restart.
    """
    bot = app.bot
    tracker = bot.tracker if isinstance(bot, HoldingBot) else None
    if tracker is not None:
        tracker.stopping = True
    if app.updater is not None and app.updater.running:
        try:
            await asyncio.wait_for(app.updater.stop(), POLL_STOP_SECONDS)
        except TimeoutError:
            log.warning("the long poll did not end within %.0f s; left behind", POLL_STOP_SECONDS)
    if app.running:
        try:
            await asyncio.wait_for(app.stop(), stop_seconds)
        except TimeoutError:
            if tracker is not None:
                requeued, cut = tracker.cancel()
                log.warning(
                    "after %.0f s, %d replies not begun were stopped (delivered again after "
                    "a restart) and %d cut short",
                    stop_seconds,
                    requeued,
                    cut,
                )
    app.bot_data.lanes.close()
    if (
        not confirm
        or tracker is None
        or (isinstance(bot, HoldingBot) and bot.rejection is not None)
    ):
        return
    try:
        await asyncio.wait_for(
            bot.get_updates(offset=tracker.final_offset(), limit=1, timeout=0), CONFIRM_SECONDS
        )
    except (TelegramError, TimeoutError, RuntimeError) as exc:  # RuntimeError: not started
        log.warning("could not confirm the handled updates to Telegram (%s)", exc)


def _start_error(exc: TelegramError) -> StartError:
    """Return the one-line error for a Bot API refusal at start."""
    if isinstance(exc, InvalidToken):
        return StartError(
            "Telegram rejected the token: check TELEGRAM_BOT_TOKEN (a test-environment token "
            "needs --test-env, a production one must not have it)"
        )
    if isinstance(exc, Forbidden):
        return StartError(f"Telegram refused the bot ({exc.message}): check the token and bot")
    if isinstance(exc, Conflict):
        return StartError(
            f"another copy of this bot is running or a webhook is set ({exc.message}): "
            "stop the other copy (or delete the webhook) and start again"
        )
    if isinstance(exc, NetworkError):
        return StartError(
            f"cannot reach the Bot API server ({exc.message}): check the network or --base-url"
        )
    return StartError(f"the Bot API refused to start the bot ({exc.message})")


def run_bot(
    settings: Settings,
    base_url: str | None = None,
    test_env: bool = False,
    index_dir: Path | None = None,
    webhook_url: str | None = None,
    load_library: Callable[[], Library] | None = None,
) -> int:
    """Run the bot with long polling (or a webhook) until stopped; return the exit code.

    load_library: what gives the library (Library.loading, started early); by default it
    is loaded once the server has accepted the token.
    """
    ignore_hangup_until_serving()
    setup_logging()
    token = bot_token(project_root(settings.path) / ".env")
    webhook = webhook_from(settings.telegram.webhook, webhook_url)
    log.info("starting: loading the sources")

    def rebuild() -> Library:
        # The settings the last upload left (a title it gave), not those at the start.
        library = app.bot_data.library
        current = library.settings if library is not None else settings.retrieval
        return Library.rebuild(current, index_dir)

    app = build_application(
        settings,
        token,
        load_library or partial(Library.load, settings.retrieval, index_dir),
        rebuild_library=rebuild,
        base_url=base_url,
        test_environment=test_env,
    )
    asyncio.run(serve(app, webhook=webhook))
    return 0
