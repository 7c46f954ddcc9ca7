"""The bot's shared state, kept in `bot_data` and read through one typed accessor."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from bot.callbacks import QuestionMemory
from bot.config import Settings
from bot.feedback import FeedbackStore
from bot.stats import Stats
from bot.transport import FaultLog
from retrieval.library import Library

STATE_KEY = "sourcebot"
log = logging.getLogger(__name__)


@dataclass
class BotState:
    """Everything handlers share: settings, the library (once loaded), remembered questions."""

    settings: Settings
    library: Library | None = None
    questions: QuestionMemory = field(default_factory=QuestionMemory)
    rebuild: Callable[[], Library] | None = None
    stats: Stats = field(default_factory=Stats)
    faults: FaultLog = field(default_factory=FaultLog)
    feedback: FeedbackStore | None = None
    _reloading: asyncio.Lock | None = None

    async def reload(self) -> Library:
        """Rebuild the library off the event loop and swap it in when it is ready.

        Questions keep being answered from the old library meanwhile: a handler takes the
        library once, at its start, so no question is dropped or answered twice. Reloads
        requested while one runs wait for it and then run once more.
        """
        if self.rebuild is None:
            raise NotReadyError("this bot cannot reload its sources")
        if self._reloading is None:
            self._reloading = asyncio.Lock()
        async with self._reloading:
            started = time.perf_counter()
            library = await asyncio.to_thread(self.rebuild)
            self.library = library
            log.info(
                "reloaded: %d sources, %d passages in %.1f s",
                len(library.sources),
                len(library.index),
                time.perf_counter() - started,
            )
            return library


class NotReadyError(RuntimeError):
    """The library is not loaded yet (only possible before post_init finishes)."""


def get_state(context: ContextTypes.DEFAULT_TYPE | Any) -> BotState:
    """Return the bot's shared state from context.bot_data."""
    state = context.bot_data[STATE_KEY]
    if not isinstance(state, BotState):  # pragma: no cover - set once by build_application
        raise TypeError("bot_data holds no BotState")
    return state


def get_library(context: ContextTypes.DEFAULT_TYPE | Any) -> Library:
    """Return the loaded library."""
    library = get_state(context).library
    if library is None:
        raise NotReadyError("the sources are still loading")
    return library
