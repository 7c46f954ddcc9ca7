"""The gate every update passes before any handler: duplicates, access control, floods.

Runs as a TypeHandler in group -1. An update already seen (Telegram may deliver one twice)
is dropped. A user or chat outside the configured allowlists gets the configured reply or
nothing, and never a passage: messages, buttons and inline queries alike. A user asking
faster than `limits.questions_per_minute` is told once to slow down and then ignored until
the minute has passed, so one user cannot starve the others; admins are never limited.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.config import Settings

log = logging.getLogger("sourcebot.gate")

SLOW_DOWN = "You are asking faster than I can answer everyone: please wait a minute."
WINDOW_SECONDS = 60.0
SEEN_CAPACITY = 10_000


@dataclass
class Gate:
    """The gate's memory: recent update ids and each user's recent questions."""

    settings: Settings
    seen: OrderedDict[int, None] = field(default_factory=OrderedDict)
    asked: dict[int, deque[float]] = field(default_factory=dict)
    warned: set[int] = field(default_factory=set)

    def duplicate(self, update_id: int) -> bool:
        """Say whether this update was seen before (and remember it)."""
        if update_id in self.seen:
            return True
        self.seen[update_id] = None
        if len(self.seen) > SEEN_CAPACITY:
            self.seen.popitem(last=False)
        return False

    def allowed(self, user_id: int | None, chat_id: int | None) -> bool:
        """Say whether this user in this chat may use the bot."""
        access = self.settings.access
        if user_id is not None and user_id in access.admins:
            return True
        if access.allowed_users and user_id not in access.allowed_users:
            return False
        return not (
            access.allowed_chats and chat_id is not None and chat_id not in access.allowed_chats
        )

    def over_limit(self, user_id: int, now: float) -> bool:
        """Count one question from the user; say whether they are over the limit."""
        limit = self.settings.limits.questions_per_minute
        if limit <= 0 or user_id in self.settings.access.admins:
            return False
        times = self.asked.setdefault(user_id, deque())
        while times and now - times[0] > WINDOW_SECONDS:
            times.popleft()
        if len(times) >= limit:
            return True
        times.append(now)
        self.warned.discard(user_id)
        return False


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop duplicates, outsiders and floods before any handler sees the update."""
    the_gate: Gate = context.bot_data["gate"]
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
