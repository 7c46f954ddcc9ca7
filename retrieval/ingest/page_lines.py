"""A page copy's lines: list items split apart, hard-wrapped paragraphs joined back.

A text copy of a web page (select-all and paste, a converter's output) writes a menu one
item a line with no blank line between, a bulleted list with w3m's or the browser's signs,
and a paragraph either on one long line or hard-wrapped over several. The line model
(boilerplate.py) judges lines, so a block is first cut into what it really holds: the
items of a list, each judged alone, or one paragraph joined from its wrapped lines.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A list bullet as w3m, browsers' copy and converters write it, or a number "3." / "3)".
_BULLET = re.compile(r"^(?:[•□◦▪▫●○◆◇■·∙‣⁃☆★\-–—*+»›]|\d{1,3}[.)])\s+")
_BULLET_ONLY = re.compile(r"^[•□◦▪▫●○◆◇■·∙‣⁃☆★\-–—*+»›]$")
# An image or widget placeholder: [photo-123.jpg], [INS::INS], [    ] (no spaces inside, and
# a digit or file-name punctuation; or blank). "[We] have agreed" in a quote stays.
_PLACEHOLDER = re.compile(r"\[(?:[^\]\s]*[\d_.:/=-][^\]\s]*|\s*)\]")
SENTENCE_END = re.compile(r"[.!?…。！？](?:[\"'”’»)\]」』]*)$")
_SENTENCE_ENDERS = frozenset(".!?…。！？")
_CLOSERS = "\"'”’»)]」』"
_DIGITS = re.compile(r"\d+")

MIN_LINES = 12  # a shorter text is a note or a snippet, not a page copy: kept whole
PROSE_CHARS = 80  # a line this long ending like a sentence is prose


@dataclass(frozen=True)
class PageLine:
    """One line of a page (or a hard-wrapped paragraph joined back), as the model sees it."""

    text: str  # placeholders and the bullet taken off
    bullet: bool  # a list item
    block: int  # number of the blank-line separated block it stands in
    marker: str = ""  # how the item was marked: "•" for any bullet sign, or "3." / "3)"
    joined: bool = False  # joined from several lines of the file (so never a heading)

    @property
    def shown(self) -> str:
        """Return the line as a paragraph shows it: a list item with its marker."""
        return f"{self.marker} {self.text}" if self.marker else self.text


def page_lines(blocks: Sequence[Sequence[str]]) -> list[PageLine]:
    """Return the lines of a page's blocks: lists split into items, hard wraps joined.

    A block whose lines all reach most of its width is a hard-wrapped paragraph and becomes
    one line; any other block is a list of lines (a menu without bullets, a column of
    links), except that a line ending in ":" or a hyphen, or one that stops mid-sentence
    before a lowercase line, carries on into the next. A text of fewer than MIN_LINES lines
    is a note, not a page copy: each of its blocks is one paragraph, as written.
    """
    if sum(len(block) for block in blocks) < MIN_LINES:
        return [
            PageLine(join_wrapped(block), False, number, joined=len(block) > 1)
            for number, block in enumerate(blocks)
        ]
    out: list[PageLine] = []
    for number, block in enumerate(blocks):
        items: list[PageLine] = []
        marked = False
        for raw in block:
            if _BULLET_ONLY.match(raw):
                marked = True  # w3m puts a bullet alone on a line before a nested item
                continue
            line = _PLACEHOLDER.sub("", raw).strip() if "[" in raw else raw
            if not line:
                continue
            bullet = _BULLET.match(line)
            marker = ""
            if bullet:
                sign = bullet.group(0).strip()
                marker = sign if sign[0].isdigit() else "•"
                line = line[bullet.end() :]
            elif marked:
                marker = "•"
            items.append(PageLine(line, bool(marker), number, marker))
            marked = False
        out += _joined(items)
    return out


def _joined(items: list[PageLine]) -> list[PageLine]:
    if len(items) < 2:
        return items
    width = max(len(item.text) for item in items)
    if (
        width >= 30
        and not any(item.bullet for item in items)
        and all(len(item.text) >= 0.6 * width for item in items[:-1])
    ):
        text = join_wrapped([item.text for item in items])
        return [PageLine(text, False, items[0].block, joined=True)]
    out = [items[0]]
    for item in items[1:]:
        last = out[-1]
        if not item.bullet and (
            last.text.endswith((":", "\u00ad")) or _continued(last.text, item.text)
        ):
            text = join_wrapped([last.text, item.text])
            out[-1] = PageLine(text, last.bullet, last.block, last.marker, joined=True)
        else:
            out.append(item)
    return out


def _continued(line: str, following: str) -> bool:
    """Say whether a line stops mid-sentence and the next one carries on in lowercase."""
    return following[:1].islower() and SENTENCE_END.search(line) is None


def join_wrapped(lines: Sequence[str]) -> str:
    """Return hard-wrapped lines as one: a soft hyphen at a line end joins the word, and a
    hyphen between letters ("Soekarno-" / "Hatta") joins a compound without a space."""
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("\u00ad"):
            out = out[:-1] + line
        elif out.endswith("-") and out[-2:-1].isalpha() and line[:1].isalpha():
            out += line
        else:
            out = f"{out} {line}"
    return out


def line_key(text: str) -> str:
    """Return a line folded for counting repeats: case, spacing and numbers ignored."""
    return _DIGITS.sub("#", " ".join(text.casefold().split()))


def is_list_item(text: str) -> bool:
    """Say whether a line starts with a list bullet or number."""
    return _BULLET.match(text) is not None


def is_prose(text: str) -> bool:
    """Say whether a line reads as a full sentence: long enough, ending like one."""
    if len(text) < PROSE_CHARS:
        return False
    # SENTENCE_END at the end only: a search would try it at every character.
    end = len(text) - 1 if text.endswith("\n") else len(text)  # "$" matches before a "\n"
    tail = text[max(0, end - 64) : end].rstrip(_CLOSERS)
    if len(tail) == 0 and end > 64:  # a run of 64 closing marks: rare enough to search
        return SENTENCE_END.search(text) is not None
    return tail[-1:] in _SENTENCE_ENDERS
