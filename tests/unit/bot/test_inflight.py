"""What is in flight: which updates Telegram must keep, and what a stop confirms."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.inflight import UpdateTracker, reply_begun


async def test_an_update_is_held_until_its_reply_begins() -> None:
    tracker = UpdateTracker()
    tracker.fetched([10, 11, 12])
    assert tracker.held() == 10
    assert tracker.held(below=10) is None  # nothing older than the offset asked for
    started = asyncio.Event()
    go_on = asyncio.Event()

    async def handler() -> None:
        started.set()
        await go_on.wait()
        reply_begun()
        await asyncio.sleep(0)

    task = asyncio.ensure_future(tracker.do_process_update(Update(10), handler()))
    await started.wait()
    assert tracker.held() == 10
    go_on.set()
    await task
    assert tracker.held() == 11 and tracker.in_flight == 2


async def test_a_confirmed_update_is_no_longer_held() -> None:
    tracker = UpdateTracker()
    tracker.fetched([5, 6])
    tracker.confirmed(6)
    assert tracker.held() == 6
    assert tracker.final_offset() == 6


async def test_the_final_offset_confirms_everything_handled() -> None:
    tracker = UpdateTracker()
    tracker.fetched([1, 2])

    async def quick() -> None:
        return None

    await tracker.do_process_update(Update(1), quick())
    await tracker.do_process_update(Update(2), quick())
    assert tracker.final_offset() == 3 and tracker.in_flight == 0


async def test_cancel_requeues_replies_not_begun_and_drops_begun_ones() -> None:
    tracker = UpdateTracker()
    tracker.fetched([7, 8])
    gate = asyncio.Event()

    async def waits(begin: bool) -> None:
        if begin:
            reply_begun()
        await gate.wait()

    tasks = [
        asyncio.ensure_future(tracker.do_process_update(Update(7), waits(False))),
        asyncio.ensure_future(tracker.do_process_update(Update(8), waits(True))),
    ]
    await asyncio.sleep(0.01)
    tracker.stopping = True
    assert tracker.cancel() == (1, 1)
    await asyncio.gather(*tasks, return_exceptions=True)
    assert tracker.final_offset() == 7  # 7 is delivered again after a restart; 8 is not


async def test_settle_returns_once_held_updates_reply() -> None:
    tracker = UpdateTracker()
    tracker.fetched([3])

    async def replies() -> None:
        await asyncio.sleep(0.05)
        reply_begun()
        await asyncio.sleep(0.05)

    task = asyncio.ensure_future(tracker.do_process_update(Update(3), replies()))
    loop = asyncio.get_running_loop()
    started = loop.time()
    await tracker.settle(below=4, timeout=5.0)
    assert loop.time() - started < 1.0
    await task
