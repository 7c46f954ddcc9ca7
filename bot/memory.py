"""The questions that buttons refer to (More, votes), remembered by short id, bounded.

Oldest forgotten first, so a More button from before a restart (or from long ago) is
answered politely instead of failing.
"""

from __future__ import annotations

import itertools
import secrets
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Remembered:
    """A question a button refers to, the passages its answer cited (source#paragraph), and
    the words a follow-up carried into its search."""

    question: str
    hits: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


class QuestionMemory:
    """The most recent questions by short id; oldest forgotten first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, Remembered] = OrderedDict()
        self._ids = itertools.count(1)
        # A fresh prefix per run, so a button from before a restart never finds a new question.
        self._run = secrets.token_hex(2)

    def remember(
        self, question: str, hits: tuple[str, ...] = (), context: tuple[str, ...] = ()
    ) -> str:
        """Store a question (what its answer cited, what it carried) and return its id."""
        qid = f"{self._run}{next(self._ids):x}"
        self._items[qid] = Remembered(question, hits, context)
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return qid

    def recall(self, qid: str) -> Remembered | None:
        """Return the question with this id, or None when it is no longer known."""
        return self._items.get(qid)
