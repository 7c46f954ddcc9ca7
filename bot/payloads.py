"""Inline-button payloads: short strings within Telegram's 64-byte callback_data limit.

  m:<qid>:<offset>[:<source>]  More: the next hits for a remembered question (within a
                       source: the pages of a More-from-source reply), in the same message
  f:<qid>:<source>:<offset>    More from source: that source's next hits, in a new message
  c:<source>:<para>    Context: a paragraph with its neighbours (needs no memory)
  s:<source>           Summary of one source
  x:<n>                Ask example question n from /start
  v:<qid>:<1|0>        Vote an answer up (1) or down (0), when feedback is on
  r:<source>:<key>     Remove source N, confirmed (key: the file's, so a renumbering
                       since /remove cannot make it remove another file)

Each kind has its prefix, and python-telegram-bot routes a press by it: one
`CallbackQueryHandler(..., pattern=pattern(Kind))` a kind (bot/handlers/__init__.py).
Anyone can send a button press with data of their own making, so decoding is strict: a
number is at most a few plain digits, and a More offset at most MAX_OFFSET (each page of
hits costs a search as deep as its offset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

MAX_CALLBACK_BYTES = 64
MAX_OFFSET = 60  # twenty pages of three hits
_NUMBER = re.compile(r"[0-9]{1,9}")
_QID = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass(frozen=True)
class More:
    prefix: ClassVar[str] = "m"
    qid: str
    offset: int
    source: int | None = None


@dataclass(frozen=True)
class FromSource:
    prefix: ClassVar[str] = "f"
    qid: str
    source: int
    offset: int


@dataclass(frozen=True)
class Context:
    prefix: ClassVar[str] = "c"
    source: int
    paragraph: int


@dataclass(frozen=True)
class SourceSummary:
    prefix: ClassVar[str] = "s"
    source: int


@dataclass(frozen=True)
class Example:
    prefix: ClassVar[str] = "x"
    number: int


@dataclass(frozen=True)
class Vote:
    prefix: ClassVar[str] = "v"
    qid: str
    up: bool


@dataclass(frozen=True)
class Remove:
    prefix: ClassVar[str] = "r"
    source: int
    key: str


Payload = More | FromSource | Context | SourceSummary | Example | Vote | Remove
KINDS: tuple[type[Payload], ...] = (
    More,
    FromSource,
    Context,
    SourceSummary,
    Example,
    Vote,
    Remove,
)


def pattern(kind: type[Payload]) -> str:
    """Return the callback_data pattern of one payload kind, for CallbackQueryHandler."""
    return f"^{kind.prefix}:"


def encode(payload: Payload) -> str:
    """Return the callback_data string for a payload."""
    fields: tuple[str, ...]
    match payload:
        case More(qid, offset, None):
            fields = (qid, str(offset))
        case More(qid, offset, source):
            fields = (qid, str(offset), str(source))
        case FromSource(qid, source, offset):
            fields = (qid, str(source), str(offset))
        case Context(source, paragraph):
            fields = (str(source), str(paragraph))
        case SourceSummary(source):
            fields = (str(source),)
        case Example(number):
            fields = (str(number),)
        case Vote(qid, up):
            fields = (qid, str(int(up)))
        case Remove(source, key):
            fields = (str(source), key)
    data = ":".join((payload.prefix, *fields))
    if len(data.encode()) > MAX_CALLBACK_BYTES:  # pragma: no cover - ids are short
        raise ValueError(f"callback data too long: {data!r}")
    return data


def decode(data: str | None) -> Payload | None:
    """Return the payload of a callback_data string, or None when it is not ours."""
    if not data:
        return None
    kind, _, rest = data.partition(":")
    parts = rest.split(":")
    if not all(_NUMBER.fullmatch(p) or _QID.fullmatch(p) for p in parts):
        return None
    numbers = [int(p) if _NUMBER.fullmatch(p) else None for p in parts]
    ints = None not in numbers

    def offset(value: int | None) -> int | None:
        return value if value is not None and value <= MAX_OFFSET else None

    if kind == More.prefix and len(parts) in (2, 3) and _QID.fullmatch(parts[0]):
        if offset(numbers[1]) is None or (len(parts) == 3 and numbers[2] is None):
            return None
        within = numbers[2] if len(parts) == 3 else None
        return More(parts[0], int(parts[1]), within)
    if kind == FromSource.prefix and len(parts) == 3 and _QID.fullmatch(parts[0]):
        source, at = numbers[1], offset(numbers[2])
        return FromSource(parts[0], source, at) if source is not None and at is not None else None
    if kind == Context.prefix and len(parts) == 2 and ints:
        return Context(int(parts[0]), int(parts[1]))
    if kind == SourceSummary.prefix and len(parts) == 1 and ints:
        return SourceSummary(int(parts[0]))
    if kind == Example.prefix and len(parts) == 1 and ints:
        return Example(int(parts[0]))
    if kind == Vote.prefix and len(parts) == 2 and _QID.fullmatch(parts[0]):
        return Vote(parts[0], parts[1] == "1") if parts[1] in ("0", "1") else None
    if kind == Remove.prefix and len(parts) == 2 and numbers[0] is not None:
        return Remove(numbers[0], parts[1]) if _QID.fullmatch(parts[1]) else None
    return None
