"""Lanes: blocking work in bounded pools, refused when too much waits or a call is too slow,
and one lane stuck does not hold another."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.lanes import Lane, LaneBusyError


async def test_a_stuck_lane_does_not_hold_another() -> None:
    release = threading.Event()
    io = Lane("io", workers=2, waiting=4, timeout=0.3)
    answers = Lane("answers", workers=2, waiting=4, timeout=5.0)
    try:
        stuck = [asyncio.ensure_future(io.run(release.wait)) for _ in range(4)]
        await asyncio.sleep(0.05)
        with pytest.raises(LaneBusyError, match="calls waiting"):
            await io.run(time.sleep, 0)  # the fifth is refused at once
        assert await answers.run(sum, [1, 2]) == 3  # other work is not held up
        for call in stuck:
            with pytest.raises(LaneBusyError, match="took over"):
                await call
        assert io.pending == 4  # timed out, still running in their threads: still counted
    finally:
        release.set()
        await asyncio.sleep(0.1)
        io.close()
        answers.close()
    assert io.pending == 0
