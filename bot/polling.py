"""Long polling that confirms an update to Telegram only once its reply is under way.

Telegram forgets every update below the offset of the next getUpdates, and
python-telegram-bot asks for the next batch as soon as one arrives, while the answers are
still being worked out: a process stopped or killed then loses those questions.
`HoldingBot.get_updates` never confirms past an update that is held (bot/inflight.py: in
flight, its reply not begun). It first waits up to HOLD_WAIT_SECONDS for the held updates
to start replying (most take milliseconds); if one still has not, it polls from that update
and passes on only the updates not fetched before, so new questions are not kept waiting.

A 401 or 404 answer while polling (the token revoked, the bot deleted) is handed to the
runner through `rejected`, which stops the process with exit code 2.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import ExtBot

from bot.inflight import UpdateTracker

HOLD_WAIT_SECONDS = 0.5


class HoldingBot(ExtBot[None]):
    """An ExtBot whose getUpdates never confirms an update whose reply has not begun."""

    __slots__ = ("_rejected", "_rejection", "_tracker")

    def __init__(self, tracker: UpdateTracker, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tracker = tracker
        self._rejected = asyncio.Event()
        self._rejection: InvalidToken | None = None

    @property
    def rejected(self) -> asyncio.Event:
        """Return the event set when Telegram stops accepting the token while polling."""
        return self._rejected

    @property
    def rejection(self) -> InvalidToken | None:
        """Return the 401/404 that polling met, if it met one."""
        return self._rejection

    @property
    def tracker(self) -> UpdateTracker:
        """Return what is in flight."""
        return self._tracker

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: Any = None,
        allowed_updates: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> tuple[Update, ...]:
        """Fetch the updates from offset on, confirming only those whose replies have begun."""
        tracker = self._tracker
        if self._rejection is not None:
            return ()  # the token is no longer accepted: nothing more to fetch or confirm
        wanted = offset or 0
        if not tracker.stopping and tracker.held(wanted) is not None:
            await tracker.settle(wanted, HOLD_WAIT_SECONDS)
        held = tracker.held(wanted)
        sent = wanted if held is None else held
        try:
            updates = await super().get_updates(
                offset=sent or None,
                limit=limit,
                timeout=timeout,
                allowed_updates=allowed_updates,
                **kwargs,
            )
        except InvalidToken as exc:
            # 401/404 while polling: the token was revoked or the bot deleted. Tell the
            # runner, which stops the process, and poll no more (python-telegram-bot would
            # end polling with a traceback and leave the process running).
            self._rejection = exc
            self._rejected.set()
            await asyncio.Event().wait()  # until the runner stops polling
            raise
        tracker.confirmed(sent)
        fresh = tuple(update for update in updates if update.update_id >= wanted)
        tracker.fetched(update.update_id for update in fresh)
        return fresh
