"""The updates in flight: fetched from Telegram and not yet handled, so that none is confirmed
before its reply is under way, and a stop can finish or re-queue them.

`UpdateTracker` is python-telegram-bot's update processor (it runs each update's handlers)
and remembers every update from the moment it is fetched until its handlers return. A call
that shows a user something (bot/transport.py calls `reply_begun`) marks its update's reply
as begun: from then on the update is never handled again, since its reply may have gone
out. An update whose reply has not begun is "held": Telegram is not told it was received
(bot/polling.py), so a process stopped or killed before it replies gets it again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

HOLD_MAX_SECONDS = 30.0  # an update whose reply has not begun after this is no longer held
CONCURRENT_UPDATES = 256  # python-telegram-bot's default for concurrent_updates(True)


@dataclass
class Flight:
    """One update in flight: when it was fetched, the task handling it, whether it replied."""

    update_id: int
    fetched: float
    task: asyncio.Task[Any] | None = None
    begun: bool = False


_CURRENT: ContextVar[Flight | None] = ContextVar("sourcebot_flight", default=None)


def reply_begun() -> None:
    """Note that the update being handled has started a reply a user may see."""
    flight = _CURRENT.get()
    if flight is not None:
        flight.begun = True


class UpdateTracker(BaseUpdateProcessor):
    """Runs updates concurrently, and knows which ones are in flight."""

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._flights: dict[int, Flight] = {}
        self._newest = 0  # the highest update id fetched
        self._confirmed = 0  # the highest offset Telegram was given: updates below it are gone
        self._settled: asyncio.Event | None = None
        self.stopping = False

    # --- what polling asks ----------------------------------------------------------------------

    def fetched(self, update_ids: Iterable[int]) -> None:
        """Note updates handed to python-telegram-bot by a poll."""
        now = time.monotonic()
        for update_id in update_ids:
            self._flights.setdefault(update_id, Flight(update_id, now))
            self._newest = max(self._newest, update_id)

    def confirmed(self, offset: int) -> None:
        """Note the offset Telegram was given (it forgets every update below it)."""
        self._confirmed = max(self._confirmed, offset)

    def held(self, below: int | None = None) -> int | None:
        """Return the oldest update Telegram must not forget yet (below `below`), or None.

        That is an update in flight whose reply has not begun and which Telegram still keeps;
        while running, not one older than HOLD_MAX_SECONDS (so polling always moves on).
        """
        now = time.monotonic()
        ids = [
            f.update_id
            for f in self._flights.values()
            if not f.begun
            and f.update_id >= self._confirmed
            and (below is None or f.update_id < below)
            and (self.stopping or now - f.fetched <= HOLD_MAX_SECONDS)
        ]
        return min(ids, default=None)

    async def settle(self, below: int, timeout: float) -> None:
        """Wait until no update below `below` is held, or for timeout seconds."""
        if self._settled is None:
            self._settled = asyncio.Event()
        deadline = time.monotonic() + timeout
        while self.held(below) is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._settled.clear()
            try:
                await asyncio.wait_for(self._settled.wait(), remaining)
            except TimeoutError:
                return

    def final_offset(self) -> int:
        """Return the offset that confirms every update but the held ones."""
        held = self.held()
        return held if held is not None else self._newest + 1

    @property
    def in_flight(self) -> int:
        """Return how many updates are fetched and not yet handled."""
        return len(self._flights)

    def cancel(self) -> tuple[int, int]:
        """Cancel every update still in flight; return (re-queued, replies cut short).

        An update whose reply had not begun stays held, so Telegram delivers it again after
        a restart; one whose reply had begun is dropped, since that reply may have gone out.
        """
        requeued = cut = 0
        for flight in list(self._flights.values()):
            if flight.task is not None and not flight.task.done():
                flight.task.cancel()
            if flight.begun:
                cut += 1
                self._finish(flight.update_id)
            else:
                requeued += 1
        return requeued, cut

    # --- python-telegram-bot's update processor --------------------------------------------------

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers of one update, remembering it as in flight until they return."""
        if not isinstance(update, Update):
            await coroutine
            return
        flight = self._flights.setdefault(
            update.update_id, Flight(update.update_id, time.monotonic())
        )
        flight.task = asyncio.current_task()
        token = _CURRENT.set(flight)
        try:
            await coroutine
        except asyncio.CancelledError:
            raise  # stays in flight: cancel() decides whether it is handled again
        except BaseException:
            self._finish(update.update_id)
            raise
        else:
            self._finish(update.update_id)
        finally:
            _CURRENT.reset(token)

    def _finish(self, update_id: int) -> None:
        self._flights.pop(update_id, None)
        if self._settled is not None:
            self._settled.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
