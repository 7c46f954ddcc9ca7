"""The access gate, run on every update in handler group -1, before any other handler:
duplicates dropped, outsiders denied (never a passage, in any kind of update), floods
slowed down. What it decides is bot/gate.py's; this module only talks to Telegram.

Every kind of update passes here: messages, commands, buttons (under a message or an
inline one), inline queries, channel posts, edits, reactions, chat-member changes. Only an
update some handler of group 0 would answer is counted against the per-sender limit, and
only such an update gets a denial or a "slow down": group chatter the bot does not answer,
reactions or member changes never cost a question, and the bot says nothing to a chat that
did not speak to it. /start, /help and /sources are not questions and are never counted;
button presses and inline queries have budgets of their own (bot/gate.py), and a press over
its budget is still answered, with a short toast.
"""

from __future__ import annotations

import logging
import time

from telegram import InlineQueryResultsButton, Update
from telegram.ext import ApplicationHandlerStop

from bot import wording as w
from bot.context import SourcebotContext
from bot.gate import Kind, free_command

log = logging.getLogger("sourcebot.gate")

GATE_GROUP = -1


async def gate(update: Update, context: SourcebotContext) -> None:
    """Stop duplicates, outsiders and floods before any handler sees the update."""
    the_gate = context.state.gate
    if the_gate.duplicate(update.update_id):
        log.info("update=%s delivered twice: ignored", update.update_id)
        raise ApplicationHandlerStop
    answered = _answered(update, context)
    user = update.effective_user
    chat = update.effective_chat
    user_id = user.id if user else None
    if not the_gate.allowed(user_id, chat.id if chat else None):
        if answered:
            await _deny(update, the_gate.settings.access.denied_reply)
        log.info("update=%s from outside the allowlists: denied", update.update_id)
        raise ApplicationHandlerStop
    if not answered or the_gate.is_admin(user_id):
        return  # nothing answers it (chatter, reactions, member changes): it costs nothing
    sender = _sender(update)
    message = update.message
    if sender is None or (message is not None and free_command(message.text)):
        return  # /start, /help, /sources are not questions
    press = update.callback_query
    kind: Kind = "question"
    if update.inline_query is not None:
        kind = "inline"
    elif press is not None:
        kind = "button"
    if the_gate.over_limit(sender, time.monotonic(), kind):
        if press is not None:
            # every press answered: none keeps spinning
            await press.answer(context.words(w.SLOW_DOWN_BUTTON))
        elif the_gate.first_warning(sender, kind):
            await _slow_down(update, context)
        elif kind == "inline":
            await _slow_down(update, context, quietly=True)  # no spinning inline results
        log.info("update=%s over the per-sender limit: ignored", update.update_id)
        raise ApplicationHandlerStop


def _answered(update: Update, context: SourcebotContext) -> bool:
    """Say whether a handler after the gate would take this update."""
    return any(
        handler.check_update(update) not in (None, False)
        for group, handlers in context.application.handlers.items()
        if group != GATE_GROUP
        for handler in handlers
    )


def _sender(update: Update) -> int | None:
    """Return whom a question is counted against: the user, or the chat a message was sent
    on behalf of (anonymous group admins all share one user id; channels have none)."""
    message = update.effective_message
    if update.callback_query is None and message is not None and message.sender_chat:
        return message.sender_chat.id
    return update.effective_user.id if update.effective_user else None


async def _slow_down(update: Update, context: SourcebotContext, *, quietly: bool = False) -> None:
    words = context.words
    text = None if quietly else words(w.SLOW_DOWN)
    if update.inline_query is not None:
        button = InlineQueryResultsButton(text=words(w.SLOW_DOWN_INLINE), start_parameter="help")
        await update.inline_query.answer([], cache_time=0, is_personal=True, button=button)
    elif text and update.effective_message is not None:
        await update.effective_message.reply_text(text)


async def _deny(update: Update, reply: str | None) -> None:
    if update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif update.callback_query is not None:
        await update.callback_query.answer(reply or None)
    elif reply and update.effective_message is not None:
        await update.effective_message.reply_text(reply)
