"""Turn Markdown into the plain blocks the cleaning reads: text without its syntax.

Parsed with markdown-it-py (CommonMark): `#` headings stay one "# " line each (the
cleaning makes them the title or a section), paragraphs lose their link and image syntax
(a link's text stays, an image goes, emphasis marks go), list items become "• item" (or
"3. item") lines, a table becomes one "| a | b |" line per row, code blocks and quotes
keep their text. Front matter and raw HTML are not article text and are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def markdown_text(source: str) -> str:
    """Return a Markdown document as plain text: one block per heading, paragraph,
    list item or table row, separated by blank lines."""
    from markdown_it import MarkdownIt  # here: only .md sources pay for the import

    parser = MarkdownIt("commonmark").enable("table")
    tokens = parser.parse(_FRONT_MATTER.sub("", source, count=1))
    return "\n\n".join(_blocks(tokens))


def _blocks(tokens: Sequence[Any]) -> list[str]:
    blocks: list[str] = []
    markers: list[str] = []  # the marker of each open list item, innermost last
    ordered: list[int | None] = []  # each open list: next number, or None for bullets
    row: list[str] | None = None
    heading = 0
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            heading = int(token.tag[1])
        elif kind == "heading_close":
            heading = 0
        elif kind == "bullet_list_open":
            ordered.append(None)
        elif kind == "ordered_list_open":
            ordered.append(int(token.attrGet("start") or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            ordered.pop()
        elif kind == "list_item_open":
            number = ordered[-1] if ordered else None
            markers.append("•" if number is None else f"{number}.")
            if ordered and number is not None:
                ordered[-1] = number + 1
        elif kind == "list_item_close":
            markers.pop()
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            if any(row):
                blocks.append("| " + " | ".join(row) + " |")
            row = None
        elif kind == "inline":
            text = _inline(token.children or [])
            if row is not None:
                row.append(text)
            elif not text:
                continue
            elif heading:
                blocks.append("#" * heading + " " + text)
            elif markers and _first_in_item(tokens, i):
                blocks.append(f"{markers[-1]} {text}")
            else:
                blocks.append(text)
        elif kind in ("fence", "code_block"):
            code = token.content.strip("\n")
            if code.strip():
                blocks.append(code)
    return blocks


def _first_in_item(tokens: Sequence[Any], index: int) -> bool:
    """Say whether an inline token is the first text of its list item (so it gets the marker)."""
    for token in reversed(tokens[:index]):
        if token.type == "list_item_open":
            return True
        if token.type == "inline":
            return False
    return False


def _inline(children: Sequence[Any]) -> str:
    """Return inline tokens as plain text: link text kept, images, marks and HTML dropped."""
    parts: list[str] = []
    after_image = False
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            text = child.content
            if after_image and text[:1] in ".,;:!?)" and parts:
                parts[-1] = parts[-1].rstrip()  # "in Sochi ![map](m.png)." -> "in Sochi."
            parts.append(text)
            after_image = False
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            after_image = True
    return " ".join("".join(parts).split())
