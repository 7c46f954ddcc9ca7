"""Choose the quote: the one to three contiguous sentences of a paragraph that best answer.

A window of sentences scores the summed weight (idf) of the distinct question terms it
contains; a longer window wins only when it adds a term, so quotes stay short. The
matched words are marked by character span for the renderers to highlight.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from retrieval.model import Quote
from retrieval.text.sentences import sentence_spans
from retrieval.text.tokenize import Tokenizer

MAX_QUOTE_CHARS = 700


def mark_terms(text: str, terms: Collection[str], tokenizer: Tokenizer) -> Quote:
    """Return text as a Quote with every occurrence of the terms marked."""
    marks = tuple((s.start, s.end) for s in tokenizer.spans(text) if s.term in terms)
    return Quote(text, marks)


def best_quote(
    paragraph: str,
    terms: Collection[str],
    weight: Callable[[str], float],
    tokenizer: Tokenizer,
    max_sentences: int = 3,
) -> Quote:
    """Return the best window of up to max_sentences sentences of paragraph, terms marked."""
    spans = sentence_spans(paragraph, tokenizer.language) or [(0, len(paragraph))]
    found = [{t for t in tokenizer.tokenize(paragraph[a:b]) if t in terms} for a, b in spans]
    best: tuple[float, int, int] | None = None  # (score, -length, -start) to maximise
    best_window = (0, 1)
    for start in range(len(spans)):
        covered: set[str] = set()
        for size in range(1, max_sentences + 1):
            end = start + size
            if end > len(spans):
                break
            covered |= found[end - 1]
            chars = spans[end - 1][1] - spans[start][0]
            if size > 1 and chars > MAX_QUOTE_CHARS:
                break
            key = (sum(weight(t) for t in covered), -size, -start)
            if best is None or key > best:
                best, best_window = key, (start, end)
    start, end = best_window
    text = paragraph[spans[start][0] : spans[end - 1][1]]
    return mark_terms(text, terms, tokenizer)
