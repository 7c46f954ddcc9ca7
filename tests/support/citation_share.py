"""How much of an answer is citation rather than quote: the measure the README transcript is
held to (issue 13: citations take at most a quarter of the characters of the seed answers).

Counted as Telegram shows a message, in UTF-16 units, newlines left out: the quotes are the
blockquote entities, the first line saying what was searched ("Searched for: …", "More
from …") is neither, and everything else (labels under the quotes, full references) is
citation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot import wording as w
from tests.support.standin import SentMessage
from tests.support.telegram_html import utf16_len

HEADERS = (w.SEARCHED_FOR, w.MORE_FROM)


@dataclass(frozen=True)
class Share:
    """Characters of citation and in all, over some answers."""

    citation: int
    total: int
    answers: int

    @property
    def ratio(self) -> float:
        """Return the citations' share of the characters."""
        return self.citation / self.total if self.total else 0.0

    def __str__(self) -> str:
        return (
            f"citations {self.citation} of {self.total} characters ({self.ratio:.1%}) "
            f"in {self.answers} answers"
        )


def citation_share(messages: Iterable[SentMessage]) -> Share:
    """Return the share of citation in answer messages (those holding a quote)."""
    citation = total = answers = 0
    for message in messages:
        quotes = [e for e in message.entities if e["type"] == "blockquote"]
        if not quotes:
            continue
        lines = message.text.split("\n")
        header = 0
        while lines and lines[0].startswith(HEADERS):
            header += utf16_len(lines.pop(0))
        size = utf16_len(message.text) - message.text.count("\n")
        quoted = sum(e["length"] - _newlines(message.text, e) for e in quotes)
        citation += size - quoted - header
        total += size
        answers += 1
    return Share(citation, total, answers)


def _newlines(text: str, entity: dict[str, int]) -> int:
    """Return the newlines inside an entity (offsets in UTF-16 units)."""
    encoded = text.encode("utf-16-le")
    start, length = entity["offset"] * 2, entity["length"] * 2
    return encoded[start : start + length].decode("utf-16-le").count("\n")
