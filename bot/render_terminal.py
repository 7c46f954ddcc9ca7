"""Render answers, summaries and source lists for a terminal (`sourcebot chat`, `ask`).

Same Answer and Summary as the Telegram renderer, so the passages never differ; matched
words are bold when the output is a terminal that understands ANSI escapes. Text from the
sources or the user never carries control characters to the terminal (an escape sequence
in a PDF title could otherwise clear the screen or retitle the window), and lone surrogates,
which no encoding can print, become U+FFFD.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from bot.citation import cite, source_line
from retrieval import Answer, Quote, Source, Summary

BOLD, RESET, DIM = "\x1b[1m", "\x1b[0m", "\x1b[2m"
WIDTH = 88
# C0 and C1 controls but tab and newline, DEL, and the bidi overrides that reorder a line.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _safe(text: str) -> str:
    """Return text without control characters, lone surrogates replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def _highlight(quote: Quote, color: bool) -> str:
    if not color:
        return _safe(quote.text)
    out, cursor = [], 0
    for start, end in quote.marks:
        if start < cursor:
            continue
        out += [_safe(quote.text[cursor:start]), BOLD, _safe(quote.text[start:end]), RESET]
        cursor = end
    out.append(_safe(quote.text[cursor:]))
    return "".join(out)


def _quote_block(text: str) -> str:
    # Long words stay whole: breaking one could split a bold escape sequence in two.
    lines = textwrap.wrap(text, WIDTH - 4, break_long_words=False) or [""]
    return "\n".join(f"  │ {line}" for line in lines)


def _dim(text: str, color: bool) -> str:
    return f"{DIM}{text}{RESET}" if color else text


def render_answer(answer: Answer, color: bool = False) -> str:
    """Return an answer as terminal text: quotes, citations, corrections."""
    lines: list[str] = []
    if answer.corrected_terms:
        lines.append("Searched for: " + _safe(", ".join(answer.corrected_terms.values())))
    if not answer.terms:
        lines.append(
            "Your question has no words to search for: ask about a person, place or topic."
        )
        return "\n".join(lines)
    if not answer.found:
        lines.append(
            "The sources do not answer that. Try other words, or see `sources` for what they cover."
        )
        return "\n".join(lines)
    for hit in answer.hits:
        c = cite(hit.meta, hit.passage.paragraph, hit.passage.section, hit.passage.page)
        lines.append(_quote_block(_highlight(hit.quote, color)))
        byline = f" — {c.byline}" if c.byline else ""
        lines.append(_dim(_safe(f"  [{hit.rank}] {c.title}{byline} · {c.place}"), color))
        lines.append("")
    if answer.more:
        lines.append(_dim("(more passages match: ask with --top-k for more)", color))
    return "\n".join(lines).rstrip()


def render_summary(summary: Summary, color: bool = False) -> str:
    """Return a summary as terminal text, each sentence with its citation."""
    if not summary.sentences:
        about = f" about {summary.topic!r}" if summary.topic else ""
        return f"Nothing in the sources{about} to summarise."
    lines: list[str] = []
    current: str | None = None
    for s in summary.sentences:
        if s.source != current and summary.source is None:
            title = _safe(s.meta.title)
            lines.append(f"{BOLD}{title}{RESET}" if color else title)
            current = s.source
        lines.append(_quote_block(_safe(s.text)))
        lines.append(_dim(f"  ¶ {s.paragraph}", color))
    return "\n".join(lines)


def render_sources(rows: Sequence[tuple[Source, int]]) -> str:
    """Return the numbered source list with metadata and passage counts."""
    lines = []
    for source, passages in rows:
        meta = source.meta
        byline = source_line(meta)
        line = f"{source.number}. {meta.title}" + (f" — {byline}" if byline else "")
        detail = f"   {source.file} · {len(source.paragraphs)} paragraphs · {passages} passages"
        lines += [_safe(line), _safe(detail + (f" · {meta.url}" if meta.url else ""))]
    return "\n".join(lines)


def render_source(source: Source) -> str:
    """Return one cleaned source as the bot knows it: its metadata, then every paragraph
    with its number, section and page (`sourcebot show`)."""
    meta = source.meta
    lines = [_safe(f"{source.number}. {meta.title}" + ("" if meta.titled else " (no title)"))]
    lines += [
        _safe(f"   {key}: {value}")
        for key, value in (
            ("file", source.file),
            ("author", meta.author),
            ("publisher", meta.publisher),
            ("date", meta.date),
            ("url", meta.url),
        )
        if value
    ]
    section: str | None = None
    for para in source.paragraphs:
        if para.section and para.section != section:
            lines += ["", _safe(f"## {para.section}")]
        section = para.section
        place = f"¶ {para.number}" + (f" · p. {para.page}" if para.page is not None else "")
        lines += ["", place, _safe(para.text)]
    return "\n".join(lines)
