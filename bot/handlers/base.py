"""What every handler shares: the one log line per update, and the wrappers that write it.

A handler returns an `Outcome` (what kind of update it was, how long the question, found
or not); the wrapper times it and logs one INFO line, never who asked, and the question's
text only when the handler passes it (only with `privacy.log_questions` on). The wrappers
also hand the handler what its update is sure to hold (the message, the button press and
its payload, the inline query), so no handler repeats those checks.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineQuery, Message, Update

from bot import payloads as pl
from bot.context import SourcebotContext
from bot.wording import STALE

log = logging.getLogger("sourcebot.updates")

P = TypeVar("P", bound=pl.Payload)
Callback = Callable[[Update, SourcebotContext], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Outcome:
    """What a handler did with an update, for its log line."""

    kind: str
    size: int = 0
    found: bool | None = None
    text: str | None = None  # the question, only when privacy.log_questions is on


def log_update(update: Update, outcome: Outcome, started: float) -> None:
    """Log one line about a handled update: never the user; the text only when given."""
    log.info(
        "update=%s chat=%s kind=%s length=%d found=%s ms=%.1f%s",
        update.update_id,
        update.effective_chat.type if update.effective_chat else "inline",
        outcome.kind,
        outcome.size,
        "-" if outcome.found is None else ("yes" if outcome.found else "no"),
        (time.perf_counter() - started) * 1000,
        "" if outcome.text is None else f" question={outcome.text[:300]!r}",
    )


def _logged(
    run: Callable[[Update, SourcebotContext], Awaitable[Outcome | None]],
) -> Callback:
    async def handle(update: Update, context: SourcebotContext) -> None:
        started = time.perf_counter()
        outcome = await run(update, context)
        if outcome is not None:
            log_update(update, outcome, started)

    return handle


X = TypeVar("X")
MessageHandlerFn = Callable[[Message, SourcebotContext], Awaitable[Outcome | None]]
InlineHandlerFn = Callable[[InlineQuery, SourcebotContext], Awaitable[Outcome]]


def _given(
    part: Callable[[Update], X | None],
) -> Callable[[Callable[[X, SourcebotContext], Awaitable[Outcome | None]]], Callback]:
    """Return a wrapper that hands a handler `part` of its update (ignoring an update without
    it) and logs the handler's outcome."""

    def wrap(handler: Callable[[X, SourcebotContext], Awaitable[Outcome | None]]) -> Callback:
        @functools.wraps(handler)
        async def run(update: Update, context: SourcebotContext) -> Outcome | None:
            given = part(update)
            return None if given is None else await handler(given, context)

        return _logged(run)

    return wrap


on_message = _given(lambda update: update.effective_message)
"""Wrap a handler of messages and commands: it gets the message; its outcome is logged."""

on_inline = _given(lambda update: update.inline_query)
"""Wrap a handler of inline queries: it gets the query; its outcome is logged."""


ButtonHandlerFn = Callable[[CallbackQuery, Message, P, SourcebotContext], Awaitable[Outcome]]


def on_button(kind: type[P]) -> Callable[[ButtonHandlerFn[P]], Callback]:
    """Wrap a handler of one kind of button: it gets the press, the message under which the
    button was, and the decoded payload; a payload it cannot read is answered as stale."""

    def wrap(handler: ButtonHandlerFn[P]) -> Callback:
        @functools.wraps(handler)
        async def run(update: Update, context: SourcebotContext) -> Outcome | None:
            query = update.callback_query
            if query is None:
                return None
            payload = pl.decode(query.data)
            message = query.message if isinstance(query.message, Message) else None
            if not isinstance(payload, kind) or message is None:
                await query.answer(context.words(STALE))
                return Outcome("button-stale")
            return await handler(query, message, payload, context)

        return _logged(run)

    return wrap


async def stale_button(update: Update, context: SourcebotContext) -> None:
    """Answer a button press no handler reads (not ours, or from an older version)."""
    started = time.perf_counter()
    if update.callback_query is not None:
        await update.callback_query.answer(context.words(STALE))
        log_update(update, Outcome("button-stale"), started)
