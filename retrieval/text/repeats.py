"""Text folded for repeat detection: the same words, whatever their case, spacing and edges.

Cleaning uses it to drop a pull-quote or caption that repeats a paragraph, the answerer to
show the same text from two sources once, and page finding to locate a paragraph's words.
"""

from __future__ import annotations

_KEY_EDGES = ".,;:!?\"'“”‘’«»()[]—–- "


def repeat_key(text: str) -> str:
    """Return text folded for repeat detection: case, spacing and edge punctuation ignored.

    A caption or pull-quote repeats its text word for word, but may drop the full stop or
    add quotation marks; inner punctuation is kept, which keeps this cheap (it runs on
    every paragraph of every source).
    """
    key = text.casefold()
    # Printable text has no whitespace but the plain space (tabs, newlines, other spaces
    # are not printable); without a double space it is already spaced as split-join makes
    # it, up to its edges, which strip() takes. Most paragraphs are: skip the split.
    if "  " in key or not key.isprintable():
        key = " ".join(key.split())
    return key.strip(_KEY_EDGES)
