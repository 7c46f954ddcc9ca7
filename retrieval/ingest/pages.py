"""Pages of a document: joined into one text for cleaning, and found again for citations.

A paragraph that runs on over a page break (or a line break, in a PDF) stays whole, its
hyphenated word rejoined; after cleaning, each paragraph is given the page it starts on,
found by its first words.
"""

from __future__ import annotations

import re

from retrieval.text.repeats import repeat_key

LINE_END = (".", "!", "?", ":", '"', "”", "’", ")")  # a line ending so may end a paragraph


def unhyphenate(text: str, following: str) -> tuple[str, str]:
    """Join a word hyphenated at the end of text with its rest, the first word of following."""
    if len(text) >= 2 and text[-1] == "-" and text[-2].isalpha() and following[:1].islower():
        rest, *after = re.split(r"\s+", following, maxsplit=1)
        return text[:-1] + rest, "".join(after)
    return text, following


def joined_pages(pages: tuple[tuple[int | None, str], ...]) -> str:
    """Return the pages as one text; a paragraph that runs on over a page break stays whole."""
    out: list[str] = []
    for _, page_text in pages:
        text = page_text.strip()
        if not text:
            continue
        if out and not out[-1].endswith(LINE_END) and text[:1].islower():
            out[-1], text = unhyphenate(out[-1], text)
            out.append("\n")
        elif out:
            out.append("\n\n")
        out.append(text)
    return "".join(out)


def paragraph_pages(
    pages: tuple[tuple[int | None, str], ...], paragraphs: list[str]
) -> list[int | None]:
    """Return the page each cleaned paragraph starts on, found by its first words."""
    if all(number is None for number, _ in pages):
        return [None] * len(paragraphs)
    starts: list[tuple[int, int | None]] = []
    keys: list[str] = []
    offset = 0
    for number, text in pages:
        key = repeat_key(text)
        starts.append((offset, number))
        keys.append(key)
        offset += len(key) + 1
    haystack = " ".join(keys)
    result: list[int | None] = []
    cursor = 0
    page: int | None = pages[0][0]
    for text in paragraphs:
        words = repeat_key(text).split()
        for needle in (" ".join(words[:8]), " ".join(words[:3])):
            at = haystack.find(needle, cursor) if needle else -1
            if at >= 0:
                page = next(n for start, n in reversed(starts) if start <= at)
                cursor = at + len(needle)
                break
        result.append(page)
    return result
