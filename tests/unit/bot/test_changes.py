"""Changes of the sources run one at a time: an upload or removal and a reload (/reload,
SIGHUP) wait for each other, and each starts from the library the last one left."""

from __future__ import annotations

import asyncio
import threading

from bot.context import BotData
from retrieval.answer.library import Library


async def test_a_reload_waits_for_a_change_and_the_next_change_sees_its_library(
    library: Library,
) -> None:
    state = BotData()
    state.library = library
    order: list[str] = []
    release = threading.Event()
    reloaded = Library(library.index, library.settings)

    def slow_change(current: Library) -> tuple[Library | None, str]:
        order.append("change started")
        release.wait(10)
        order.append("change done")
        return None, "nothing changed"

    def rebuild() -> Library:
        order.append("reload")
        return reloaded

    state.rebuild = rebuild
    change = asyncio.ensure_future(state.change_sources(slow_change))
    await asyncio.sleep(0.1)
    reload = asyncio.ensure_future(state.reload())
    await asyncio.sleep(0.1)
    assert order == ["change started"]  # the reload waits
    release.set()
    assert await change == "nothing changed"
    assert await reload is reloaded
    assert order == ["change started", "change done", "reload"]
    seen = await state.change_sources(lambda current: (None, current))
    assert seen is reloaded
    state.lanes.close()
