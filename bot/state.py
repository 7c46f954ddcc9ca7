"""The bot's shared state, kept in `bot_data` and read through one typed accessor."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ContextTypes

from bot.callbacks import QuestionMemory
from bot.config import Settings
from retrieval.library import Library

STATE_KEY = "sourcebot"


@dataclass
class BotState:
    """Everything handlers share: settings, the library (once loaded), remembered questions."""

    settings: Settings
    library: Library | None = None
    questions: QuestionMemory = field(default_factory=QuestionMemory)


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
