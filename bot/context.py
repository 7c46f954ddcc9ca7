"""Typed shared state: `BotData` is the application's bot_data, `SourcebotContext` the
context every handler gets, with the library and the state as typed properties.

Wired by `ContextTypes(context=SourcebotContext, bot_data=BotData)` (PTB's
contexttypesbot example), so no handler looks anything up by a string key.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.catalogs import Words, words_for
from bot.config import Settings
from bot.conversation import Conversations
from bot.feedback import FeedbackStore
from bot.gate import Gate
from bot.lanes import Lanes
from bot.memory import QuestionMemory
from bot.stats import Stats
from bot.transport import FaultLog
from retrieval import Library

log = logging.getLogger(__name__)
T = TypeVar("T")


class NotReadyError(RuntimeError):
    """The library is not loaded yet (only possible before post_init finishes)."""


@dataclass
class BotData:
    """Everything handlers share: settings, the library (once loaded), remembered questions,
    each chat's conversation, the gate, and the lanes blocking work runs in.

    python-telegram-bot makes it with no arguments; `build_application` configures it.
    """

    settings: Settings = field(default_factory=Settings)
    library: Library | None = None
    questions: QuestionMemory = field(default_factory=QuestionMemory)
    rebuild: Callable[[], Library] | None = None
    stats: Stats = field(default_factory=Stats)
    faults: FaultLog = field(default_factory=FaultLog)
    feedback: FeedbackStore | None = None
    gate: Gate = field(default_factory=lambda: Gate(Settings()))
    conversations: Conversations = field(default_factory=Conversations)
    lanes: Lanes = field(default_factory=Lanes)
    _reloading: asyncio.Lock | None = None

    def configure(
        self,
        settings: Settings,
        faults: FaultLog,
        rebuild: Callable[[], Library] | None,
        feedback: FeedbackStore | None,
    ) -> None:
        """Set what the factory decides: settings, the fault log, how to reload, votes."""
        self.settings = settings
        self.faults = faults
        self.rebuild = rebuild
        self.feedback = feedback
        self.gate = Gate(settings)
        talk = settings.conversation
        self.conversations = Conversations(talk.expire_minutes, talk.max_chats)
        self.questions = QuestionMemory(talk.max_questions)

    def _changing(self) -> asyncio.Lock:
        """Return the lock every change of the sources takes: reloads (/reload, SIGHUP),
        uploads and removals run one at a time, each from the library the last one left."""
        if self._reloading is None:
            self._reloading = asyncio.Lock()
        return self._reloading

    async def change_sources(self, change: Callable[[Library], tuple[Library | None, T]]) -> T:
        """Run change(library) in the updates lane, after any reload or change running, and
        swap in the library it returns (None: nothing changed); return its result.

        As with a reload, questions go on being answered from the old library meanwhile,
        and each from one library only: the swap is one assignment.
        """
        async with self._changing():
            if self.library is None:
                raise NotReadyError("the sources are still loading")
            library, result = await self.lanes.updates.run(change, self.library)
            if library is not None:
                self.library = library
            return result

    async def reload(self) -> Library:
        """Rebuild the library off the event loop and swap it in when it is ready.

        Questions keep being answered from the old library meanwhile: a handler takes the
        library once, at its start, so no question is dropped or answered twice. Reloads
        requested while one runs (or while an upload or removal runs) wait for it and then
        run once more.
        """
        if self.rebuild is None:
            raise NotReadyError("this bot cannot reload its sources")
        async with self._changing():
            started = time.perf_counter()
            library = await asyncio.to_thread(self.rebuild)
            self.library = library
            log.info(
                "reloaded: %d sources, %d passages in %.1f s",
                len(library.sources),
                library.passage_total,
                time.perf_counter() - started,
            )
            return library


class SourcebotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """The context of every handler: the shared state, the loaded library, and the words of
    the user's language, typed."""

    language_code: str | None = None  # of the user the update is from (Telegram's, IETF)

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, SourcebotContext, Any, Any, Any, Any]
    ) -> SourcebotContext:
        """Return the context of an update (the error handler's too), with its user's
        language."""
        context = super().from_update(update, application)
        user = update.effective_user if isinstance(update, Update) else None
        context.language_code = user.language_code if user is not None else None
        return context

    @property
    def words(self) -> Words:
        """Return the bot's texts in the user's language (English when it has no catalog)."""
        return words_for(self.language_code)

    @property
    def state(self) -> BotData:
        """Return the bot's shared state."""
        return self.bot_data

    @property
    def library(self) -> Library:
        """Return the loaded library; NotReadyError before the sources are loaded."""
        library = self.bot_data.library
        if library is None:
            raise NotReadyError("the sources are still loading")
        return library


CONTEXT_TYPES = ContextTypes(
    context=SourcebotContext, bot_data=BotData, user_data=dict, chat_data=dict
)
App = Application[Any, SourcebotContext, dict[Any, Any], dict[Any, Any], BotData, Any]
