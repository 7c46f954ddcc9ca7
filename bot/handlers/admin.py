"""Admins' commands: /stats (what was asked, how fast, from what) and /reload (re-read the
sources), and the reload that SIGHUP asks for. Anyone not in `access.admins` is refused
in one line (the same check guards /remove, in uploads.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import Message

from bot import wording as w
from bot.context import BotData, SourcebotContext
from bot.handlers.base import MessageHandlerFn, Outcome, on_message
from bot.render_html import esc, render_stats
from bot.stats import IndexSize
from retrieval import SourcebotError

log = logging.getLogger("sourcebot.updates")


def admins_only(command: str) -> Callable[[MessageHandlerFn], MessageHandlerFn]:
    """Refuse the command to anyone not in access.admins, in one line."""

    def wrap(handler: MessageHandlerFn) -> MessageHandlerFn:
        async def checked(message: Message, context: SourcebotContext) -> Outcome | None:
            user = message.from_user
            if user is None or user.id not in context.state.settings.access.admins:
                await message.reply_text(esc(context.words(w.ADMINS_ONLY, command=command)))
                return Outcome(f"{command}-refused")
            return await handler(message, context)

        return checked

    return wrap


@on_message
@admins_only("stats")
async def on_stats(message: Message, context: SourcebotContext) -> Outcome:
    """Show admins what was asked (counts, not-found rate, answer time, frequent unanswered
    questions) and what the answers come from (sources, the index's size)."""
    state = context.state
    library = context.library
    size = IndexSize(
        sources=len(library.sources),
        passages=library.passage_total,
        terms=library.term_total,
        saved_bytes=await state.lanes.io.run(library.saved_bytes),
    )
    kept = state.settings.privacy.log_questions
    await message.reply_text(render_stats(state.stats, kept, size, context.words))
    return Outcome("stats")


@on_message
@admins_only("reload")
async def on_reload(message: Message, context: SourcebotContext) -> Outcome:
    """Re-read the sources (admins only), answering from the old ones until it is done."""
    words = context.words
    await message.reply_text(esc(words(w.RELOADING)))
    try:
        library = await context.state.reload()
    except SourcebotError as exc:
        await message.reply_text(esc(words(w.RELOAD_FAILED, error=exc)))
        return Outcome("reload-failed")
    done = words(w.RELOADED, sources=len(library.sources), passages=library.passage_total)
    await message.reply_text(esc(done))
    return Outcome("reload")


async def reload_on_signal(state: BotData) -> None:
    """Reload on SIGHUP; a failure is logged and the old sources stay in use."""
    try:
        await state.reload()
    except Exception:
        log.exception("reload on SIGHUP failed; still answering from the old sources")
