"""Cut a paragraph into passages, the unit of retrieval: whole, or sentence-aligned parts.

A paragraph longer than `sources.max_passage_chars` (a dump with no blank lines, a long
legal clause) is split at sentence boundaries, so a passage never ends mid-sentence.
"""

from __future__ import annotations

from retrieval.text.sentences import sentence_spans


def passage_spans(text: str, max_chars: int, language: str | None = None) -> list[tuple[int, int]]:
    """Return (start, end) of each passage of a paragraph: whole, or sentence-aligned parts."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    current: list[int] | None = None
    for start, end in sentence_spans(text, language):
        if current is None:
            current = [start, end]
        elif end - current[0] > max_chars:
            spans.append((current[0], current[1]))
            current = [start, end]
        else:
            current[1] = end
    if current is not None:
        spans.append((current[0], current[1]))
    return spans or [(0, len(text))]
