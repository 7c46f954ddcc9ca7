"""Inline-button payloads: short strings within Telegram's 64-byte callback_data limit.

  m:<qid>:<offset>     More: the next hits for a remembered question
  c:<source>:<para>    Context: a paragraph with its neighbours (needs no memory)
  s:<source>           Summary of one source
  x:<n>                Ask example question n from /start
  v:<qid>:<1|0>        Vote an answer up (1) or down (0), when feedback is on
Questions are remembered in a bounded map, so a More button from before a restart (or
from long ago) is answered politely instead of failing.
"""

from __future__ import annotations

import itertools
import secrets
from collections import OrderedDict
from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64


@dataclass(frozen=True)
class More:
    qid: str
    offset: int


@dataclass(frozen=True)
class Context:
    source: int
    paragraph: int


@dataclass(frozen=True)
class SourceSummary:
    source: int


@dataclass(frozen=True)
class Example:
    number: int


@dataclass(frozen=True)
class Vote:
    qid: str
    up: bool


Payload = More | Context | SourceSummary | Example | Vote


def encode(payload: Payload) -> str:
    """Return the callback_data string for a payload."""
    match payload:
        case More(qid, offset):
            data = f"m:{qid}:{offset}"
        case Context(source, paragraph):
            data = f"c:{source}:{paragraph}"
        case SourceSummary(source):
            data = f"s:{source}"
        case Example(number):
            data = f"x:{number}"
        case Vote(qid, up):
            data = f"v:{qid}:{int(up)}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:  # pragma: no cover - ids are short
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Payload | None:
    """Return the payload of a callback_data string, or None when it is not ours."""
    if not data:
        return None
    kind, _, rest = data.partition(":")
    parts = rest.split(":")
    try:
        if kind == "m" and len(parts) == 2:
            return More(parts[0], int(parts[1]))
        if kind == "c" and len(parts) == 2:
            return Context(int(parts[0]), int(parts[1]))
        if kind == "s" and len(parts) == 1:
            return SourceSummary(int(parts[0]))
        if kind == "x" and len(parts) == 1:
            return Example(int(parts[0]))
        if kind == "v" and len(parts) == 2 and parts[1] in ("0", "1"):
            return Vote(parts[0], parts[1] == "1")
    except ValueError:
        return None
    return None


@dataclass(frozen=True)
class Remembered:
    """A question a button refers to, and the passages its answer cited (source#paragraph)."""

    question: str
    hits: tuple[str, ...] = ()


class QuestionMemory:
    """The most recent questions by short id, for More and vote buttons; oldest forgotten
    first."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._items: OrderedDict[str, Remembered] = OrderedDict()
        self._ids = itertools.count(1)
        # A fresh prefix per run, so a button from before a restart never finds a new question.
        self._run = secrets.token_hex(2)

    def remember(self, question: str, hits: tuple[str, ...] = ()) -> str:
        """Store a question (and what its answer cited) and return its id."""
        qid = f"{self._run}{next(self._ids):x}"
        self._items[qid] = Remembered(question, hits)
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return qid

    def recall(self, qid: str) -> Remembered | None:
        """Return the question with this id, or None when it is no longer known."""
        return self._items.get(qid)
