"""The gate's memory and rules: duplicates, access control, floods (no Telegram I/O here;
bot/handlers/access.py runs it on every update before any handler).

An update already seen (Telegram may deliver one twice) is dropped. A user or chat outside
the configured allowlists gets the configured reply or nothing, and never a passage, in any
kind of update: with `allowed_chats` set, an update that names no chat (an inline query, a
button under an inline message) cannot show it comes from an allowed chat, so only admins
get past. A sender asking faster than `limits.questions_per_minute` is told once to slow
down and then ignored until the minute has passed, so one sender cannot starve the others;
admins are never limited. Only questions count: /start, /help and /sources (FREE_COMMANDS)
never do; button presses (a More or a Summary costs a search) and inline queries (one a
keystroke) have budgets of their own, BUTTON_FACTOR and INLINE_FACTOR times larger. The
per-sender memory forgets a sender a minute after their last question, so it stays as small
as the number of people asking within a minute.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Literal

from bot.config import Settings

WINDOW_SECONDS = 60.0
SEEN_CAPACITY = 10_000
INLINE_FACTOR = 5  # inline queries come a keystroke at a time
BUTTON_FACTOR = 3  # a page of More is quicker to ask for than a question
FREE_COMMANDS = frozenset({"start", "help", "sources"})  # not questions: never counted
Kind = Literal["question", "inline", "button"]
FACTORS: dict[Kind, int] = {"question": 1, "inline": INLINE_FACTOR, "button": BUTTON_FACTOR}


def free_command(text: str | None) -> bool:
    """Say whether a message is one of the FREE_COMMANDS (/help, /help@thisbot ...)."""
    if not text or not text.startswith("/"):
        return False
    command = text.split(maxsplit=1)[0][1:].partition("@")[0]
    return command.casefold() in FREE_COMMANDS


@dataclass
class Gate:
    """The gate's memory: recent update ids and each sender's recent questions."""

    settings: Settings
    seen: OrderedDict[int, None] = field(default_factory=OrderedDict)
    # (kind, sender) -> times of their recent questions; least recently active first.
    asked: OrderedDict[tuple[Kind, int], deque[float]] = field(default_factory=OrderedDict)
    warned: set[tuple[Kind, int]] = field(default_factory=set)

    def duplicate(self, update_id: int) -> bool:
        """Say whether this update was seen before (and remember it)."""
        if update_id in self.seen:
            return True
        self.seen[update_id] = None
        if len(self.seen) > SEEN_CAPACITY:
            self.seen.popitem(last=False)
        return False

    def is_admin(self, user_id: int | None) -> bool:
        """Say whether this user is one of the bot's admins."""
        return user_id is not None and user_id in self.settings.access.admins

    def allowed(self, user_id: int | None, chat_id: int | None) -> bool:
        """Say whether this user in this chat (None: the update names none) may use the bot."""
        access = self.settings.access
        if self.is_admin(user_id):
            return True
        if access.allowed_users and user_id not in access.allowed_users:
            return False
        return not (access.allowed_chats and chat_id not in access.allowed_chats)

    def over_limit(self, sender: int, now: float, kind: Kind = "question") -> bool:
        """Count one question (inline query, button press) from a sender; say whether they are
        over."""
        limit = self.settings.limits.questions_per_minute
        if limit <= 0 or self.is_admin(sender):
            return False
        limit *= FACTORS[kind]
        self._forget_idle(now)
        key = (kind, sender)
        times = self.asked.get(key)
        if times is None:
            times = self.asked[key] = deque()
        else:
            self.asked.move_to_end(key)
        while times and now - times[0] > WINDOW_SECONDS:
            times.popleft()
        if len(times) >= limit:
            return True
        times.append(now)
        self.warned.discard(key)
        return False

    def first_warning(self, sender: int, kind: Kind = "question") -> bool:
        """Say whether a sender over the limit is to be told so (once a streak), and note it."""
        key = (kind, sender)
        if key in self.warned:
            return False
        self.warned.add(key)
        return True

    def _forget_idle(self, now: float) -> None:
        """Forget senders whose last question is older than the window (least recent first)."""
        while self.asked:
            key, times = next(iter(self.asked.items()))
            if times and now - times[-1] <= WINDOW_SECONDS:
                return
            del self.asked[key]
            self.warned.discard(key)
