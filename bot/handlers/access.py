"""The access gate, run on every update in handler group -1, before any other handler:
duplicates dropped, outsiders denied (never a passage, in any kind of update), floods
slowed down. What it decides is bot/gate.py's; this module only talks to Telegram."""

from __future__ import annotations

import logging
import time

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.context import SourcebotContext

log = logging.getLogger("sourcebot.gate")

SLOW_DOWN = "You are asking faster than I can answer everyone: please wait a minute."


async def gate(update: Update, context: SourcebotContext) -> None:
    """Stop duplicates, outsiders and floods before any handler sees the update."""
    the_gate = context.state.gate
    if the_gate.duplicate(update.update_id):
        log.info("update=%s delivered twice: ignored", update.update_id)
        raise ApplicationHandlerStop
    user = update.effective_user
    chat = update.effective_chat
    user_id = user.id if user else None
    if not the_gate.allowed(user_id, chat.id if chat else None):
        await _deny(update, the_gate.settings.access.denied_reply)
        log.info("update=%s from outside the allowlists: denied", update.update_id)
        raise ApplicationHandlerStop
    if update.inline_query is not None or update.edited_message is not None or user_id is None:
        return  # inline queries come per keystroke, edits are ignored: neither is a question
    if the_gate.over_limit(user_id, time.monotonic()):
        if user_id not in the_gate.warned:
            the_gate.warned.add(user_id)
            if update.callback_query is not None:
                await update.callback_query.answer(SLOW_DOWN)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(SLOW_DOWN)
        log.info("update=%s over the per-user limit: ignored", update.update_id)
        raise ApplicationHandlerStop


async def _deny(update: Update, reply: str | None) -> None:
    if update.inline_query is not None:
        await update.inline_query.answer([], cache_time=0, is_personal=True)
    elif update.callback_query is not None:
        await update.callback_query.answer(reply or None)
    elif reply and update.effective_message is not None and _addressed(update):
        await update.effective_message.reply_text(reply)


def _addressed(update: Update) -> bool:
    # In a group, only a command is surely meant for the bot: say nothing to other chatter.
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return False
    if update.effective_chat.type == "private":
        return True
    return bool(message.text and message.text.startswith("/"))
