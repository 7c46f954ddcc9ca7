"""Blocking work off the event loop, each kind in a lane of its own: a bounded thread pool, a
bound on the work waiting for it, and a timeout.

Answers and summaries run in the "answers" lane, votes (SQLite, which may wait for a lock)
and other file I/O in the "io" lane. One kind of work stuck (a locked feedback file) then
fills only its own lane: questions are still answered. Work beyond a lane's bound, or not
done within its timeout, is refused with `LaneBusyError`, which the handler turns into a
short "busy" reply; a timed-out call finishes in its thread, unawaited.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


class LaneBusyError(RuntimeError):
    """A lane has too much work waiting, or a call in it took too long."""


class Lane:
    """A named thread pool that takes at most `waiting` calls at once, each for `timeout` s."""

    def __init__(self, name: str, workers: int, waiting: int, timeout: float) -> None:
        self.name = name
        self.timeout = timeout
        self._waiting = waiting
        self._pending = 0
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix=f"lane-{name}")

    @property
    def pending(self) -> int:
        """Return how many calls were given to this lane and have not finished."""
        return self._pending

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """Run work(*args) in this lane; LaneBusyError when it is full or the call too slow."""
        if self._pending >= self._waiting:
            raise LaneBusyError(f"the {self.name} lane has {self._pending} calls waiting")
        call = functools.partial(contextvars.copy_context().run, work, *args)
        done: asyncio.Future[T] = asyncio.wrap_future(self._pool.submit(call))
        self._pending += 1
        done.add_done_callback(self._finished)  # when the thread is done, timed out or not
        try:
            return await asyncio.wait_for(asyncio.shield(done), self.timeout)
        except TimeoutError:
            raise LaneBusyError(
                f"a call in the {self.name} lane took over {self.timeout:.0f} s"
            ) from None

    def _finished(self, done: asyncio.Future[Any]) -> None:
        self._pending -= 1
        if not done.cancelled():
            done.exception()  # a call that timed out: its error is nobody's to hear

    def close(self) -> None:
        """Drop the calls not started; those running finish on their own."""
        self._pool.shutdown(wait=False, cancel_futures=True)


@dataclass
class Lanes:
    """The bot's lanes: answers and summaries; votes and other file I/O; source changes."""

    answers: Lane = field(default_factory=lambda: Lane("answers", 4, 512, 60.0))
    io: Lane = field(default_factory=lambda: Lane("io", 2, 32, 10.0))
    # Changes of the sources (uploads, removals): one at a time, each reading a file and
    # updating the index, which may take minutes for a large PDF or a large saved index.
    updates: Lane = field(default_factory=lambda: Lane("updates", 1, 16, 900.0))

    def close(self) -> None:
        """Close every lane."""
        self.answers.close()
        self.io.close()
        self.updates.close()
