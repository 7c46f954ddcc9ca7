"""The gate's memory and rules: duplicates, access control, floods (no Telegram I/O here;
bot/handlers/access.py runs it on every update before any handler).

An update already seen (Telegram may deliver one twice) is dropped. A user or chat outside
the configured allowlists gets the configured reply or
nothing, and never a passage: messages, buttons and inline queries alike. A user asking
faster than `limits.questions_per_minute` is told once to slow down and then ignored until
the minute has passed, so one user cannot starve the others; admins are never limited.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from bot.config import Settings

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
