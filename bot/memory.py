"""The questions that buttons refer to (More, votes), remembered by id, bounded.

An id is 72 random bits (`secrets`), so it cannot be guessed from another button, and a
question is recalled only for a press in the chat where it was asked, or by the person who
asked it: someone else's id, pressed anywhere else, finds nothing. The oldest questions are
forgotten first, so a button from before a restart (or from long ago) is answered politely
instead of failing. A question is kept to the length an answer reads of it.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass

QID_BYTES = 9  # 12 URL-safe characters: "v:<qid>:1" stays far within 64 bytes
MAX_KEPT_CHARS = 2000  # what an answer reads of a question (retrieval's MAX_QUESTION_CHARS)


@dataclass(frozen=True)
class Remembered:
    """A question a button refers to, the passages its answer cited (source#paragraph), the
    words a follow-up carried into its search, and where and by whom it was asked."""

    question: str
    hits: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    chat_id: int | None = None
    user_id: int | None = None


class QuestionMemory:
    """The most recent questions by unguessable id; oldest forgotten first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, Remembered] = OrderedDict()

    def remember(
        self,
        question: str,
        hits: tuple[str, ...] = (),
        context: tuple[str, ...] = (),
        *,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> str:
        """Store a question (what its answer cited, what it carried, where and by whom);
        return its new id."""
        qid = secrets.token_urlsafe(QID_BYTES)
        self._items[qid] = Remembered(question[:MAX_KEPT_CHARS], hits, context, chat_id, user_id)
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return qid

    def recall(
        self, qid: str, *, chat_id: int | None = None, user_id: int | None = None
    ) -> Remembered | None:
        """Return the question with this id for a press in chat_id by user_id, or None when it
        is no longer known or the press is neither in its chat nor by its asker."""
        found = self._items.get(qid)
        if found is None:
            return None
        in_its_chat = found.chat_id is None or chat_id == found.chat_id
        by_its_asker = found.user_id is not None and user_id == found.user_id
        return found if in_its_chat or by_its_asker else None
