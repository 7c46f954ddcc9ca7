"""What the bot remembers of each chat's conversation, for follow-ups and citations.

Per chat: the words the last new question searched (its topic, which a follow-up carries),
what each recent answer of the bot searched (for a reply to that answer), and which sources
the chat has had the full reference of. Bounded (MAX_ANSWERS answers a chat, `max_chats`
chats, the least recently active forgotten first), forgotten after `expire_minutes` without
a message, and kept by chat id only: nothing ever crosses from one chat to another. Which
words to carry is the Library's decision (Library.follow_up); this only keeps them.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

MAX_ANSWERS = 50  # answers a chat can reply to with a follow-up


@dataclass
class ChatMemory:
    """One chat's conversation: its topic, its answers' searches, its cited sources."""

    seen: float
    topic: tuple[str, ...] = ()
    answers: OrderedDict[int, tuple[str, ...]] = field(default_factory=OrderedDict)
    referenced: set[str] = field(default_factory=set)


class Conversations:
    """Each chat's memory, bounded and expiring."""

    def __init__(
        self,
        expire_minutes: float = 30,
        max_chats: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._expire = expire_minutes * 60
        self._max_chats = max_chats
        self._clock = clock
        self._chats: OrderedDict[int, ChatMemory] = OrderedDict()

    def __len__(self) -> int:
        return len(self._chats)

    def _get(self, chat: int) -> ChatMemory | None:
        memory = self._chats.get(chat)
        if memory is not None and self._clock() - memory.seen > self._expire:
            del self._chats[chat]
            return None
        return memory

    def _touch(self, chat: int) -> ChatMemory:
        memory = self._get(chat)
        now = self._clock()
        if memory is None:
            memory = self._chats[chat] = ChatMemory(now)
            while len(self._chats) > self._max_chats:
                self._chats.popitem(last=False)
        memory.seen = now
        self._chats.move_to_end(chat)
        return memory

    def topic(self, chat: int) -> tuple[str, ...]:
        """Return the words the chat's last new question searched (none once expired)."""
        memory = self._get(chat)
        return memory.topic if memory is not None else ()

    def answered(self, chat: int, message_id: int) -> tuple[str, ...] | None:
        """Return what the bot's answer `message_id` in this chat searched, if remembered."""
        memory = self._get(chat)
        return memory.answers.get(message_id) if memory is not None else None

    def referenced(self, chat: int) -> frozenset[str]:
        """Return the sources this chat has had the full reference of."""
        memory = self._get(chat)
        return frozenset(memory.referenced) if memory is not None else frozenset()

    def note_answer(
        self,
        chat: int,
        message_id: int | None,
        searched: tuple[str, ...],
        new_topic: bool,
        cited: Iterable[str] = (),
    ) -> None:
        """Remember an answer: what it searched, whether that is the chat's new topic, and
        the sources it gave the full reference of."""
        memory = self._touch(chat)
        if new_topic and searched:
            memory.topic = searched
        if message_id is not None and searched:
            memory.answers[message_id] = searched
            while len(memory.answers) > MAX_ANSWERS:
                memory.answers.popitem(last=False)
        memory.referenced.update(cited)

    def note_cited(self, chat: int, cited: Iterable[str]) -> None:
        """Remember sources a chat was given the full reference of (summaries, contexts)."""
        self._touch(chat).referenced.update(cited)
