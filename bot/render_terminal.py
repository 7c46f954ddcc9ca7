"""Draw replies for a terminal (`sourcebot chat`, `ask`, `summary`, `sources`, `show`).

The same Reply as the Telegram renderer (reply.py), so the passages and the words never
differ; matched words are bold and citations dim when the output is a terminal that
understands ANSI escapes. Lines are wrapped to the terminal's width, measured on the text
alone (escape codes take no room; wide CJK characters take two columns, combining marks
none), and every line closes its own styles, so a wrapped quote keeps its box. Text from the
sources or the user never carries control characters to the terminal (an escape sequence in
a PDF title could otherwise clear the screen or retitle the window), and lone surrogates,
which no encoding can print, become U+FFFD.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Sequence

from bot import wording as w
from bot.citation import source_line
from bot.reply import Line, Reply, answer_reply, help_reply, summary_reply
from retrieval import Answer, Quote, Source, Summary

BOLD, RESET, DIM = "\x1b[1m", "\x1b[0m", "\x1b[2m"
WIDTH = 88  # when the output is not a terminal
MIN_WIDTH = 30
QUOTE_BAR = "  │ "
LABEL_INDENT = "  "
# C0 and C1 controls but tab and newline, DEL, and the bidi overrides that reorder a line.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORD = re.compile(r"\S+")
_DIMMED = frozenset({"label", "reference", "note", "minor"})

Segment = tuple[str, str | None]  # text, and the escape code that styles it (or None)


def _safe(text: str) -> str:
    """Return text without control characters, lone surrogates replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def terminal_width() -> int:
    """Return the terminal's width in columns (WIDTH when the output is not a terminal)."""
    return max(shutil.get_terminal_size((WIDTH, 24)).columns, MIN_WIDTH)


def display_width(text: str) -> int:
    """Return how many columns text takes: wide characters two, combining marks none."""
    return sum(
        0
        if unicodedata.combining(ch)
        else 2
        if unicodedata.east_asian_width(ch) in ("W", "F")
        else 1
        for ch in text
    )


def wrap(segments: Sequence[Segment], width: int, indent: str = "") -> list[str]:
    """Return styled text wrapped to width columns (after indent), each line styled alone.

    Words longer than a line stay whole (a terminal folds them): never split inside one.
    """
    plain = ""
    spans: list[tuple[int, int, str]] = []
    for text, code in segments:
        safe = " ".join(_safe(text).split("\n")).replace("\t", " ")
        if code and safe:
            spans.append((len(plain), len(plain) + len(safe), code))
        plain += safe
    room = max(width - display_width(indent), 10)
    lines: list[tuple[int, int]] = []
    start = end = -1
    for word in _WORD.finditer(plain):
        if start >= 0 and display_width(plain[start : word.end()]) <= room:
            end = word.end()
            continue
        if start >= 0:
            lines.append((start, end))
        start, end = word.start(), word.end()
    if start >= 0:
        lines.append((start, end))
    return [indent + _styled(plain, a, b, spans) for a, b in lines] or [indent.rstrip()]


def _styled(plain: str, a: int, b: int, spans: Sequence[tuple[int, int, str]]) -> str:
    out, cursor = [], a
    for start, end, code in spans:
        s, e = max(start, a), min(end, b)
        if s >= e:
            continue
        out += [plain[cursor:s], code, plain[s:e], RESET]
        cursor = e
    out.append(plain[cursor:b])
    return "".join(out)


def _quote_segments(quote: Quote, color: bool) -> list[Segment]:
    out: list[Segment] = []
    cursor = 0
    for start, end in quote.marks:
        if start < cursor:
            continue
        out += [(quote.text[cursor:start], None), (quote.text[start:end], BOLD if color else None)]
        cursor = end
    out.append((quote.text[cursor:], None))
    return out


def _line_segments(line: Line, color: bool) -> list[Segment]:
    base = DIM if line.role in _DIMMED else BOLD if line.role == "heading" else None
    out: list[Segment] = []
    for run in line.runs:
        code = BOLD if run.bold else base
        out.append((run.text, code if color else None))
        if run.url and run.show_url:
            out.append((f" <{run.url}>", base if color else None))
    return out


def draw(reply: Reply, color: bool = False, width: int | None = None) -> str:
    """Return a reply as terminal text: quotes boxed, labels indented, lines wrapped."""
    width = width or terminal_width()
    out: list[str] = []

    def lines(items: Sequence[Line]) -> None:
        for line in items:
            indent = LABEL_INDENT if line.role == "label" else ""
            out.extend(wrap(_line_segments(line, color), width, indent) if line.runs else [""])

    for chunk in reply:
        lines(chunk.before)
        if chunk.quote is not None:
            out.extend(wrap(_quote_segments(chunk.quote, color), width, QUOTE_BAR))
        lines(chunk.after)
    return "\n".join(out).rstrip()


def render_answer(
    answer: Answer,
    color: bool = False,
    surface: w.Surface = w.COMMAND_LINE,
    referenced: frozenset[str] = frozenset(),
    width: int | None = None,
) -> str:
    """Return an answer as terminal text: what was searched, quotes, labels, references."""
    return draw(answer_reply(answer, surface, referenced), color, width)


def render_summary(
    summary: Summary,
    color: bool = False,
    surface: w.Surface = w.COMMAND_LINE,
    referenced: frozenset[str] = frozenset(),
    width: int | None = None,
) -> str:
    """Return a summary as terminal text, laid out as in Telegram."""
    return draw(summary_reply(summary, surface, referenced), color, width)


def render_help(surface: w.Surface = w.CHAT, width: int | None = None) -> str:
    """Return the chat's commands, one line each."""
    return draw(help_reply(surface), False, width)


def render_sources(rows: Sequence[tuple[Source, int]]) -> str:
    """Return the numbered source list with metadata and passage counts."""
    lines = []
    for source, passages in rows:
        meta = source.meta
        byline = source_line(meta)
        line = f"[{source.number}] {meta.title}" + (f" — {byline}" if byline else "")
        detail = "   " + w.SOURCES_DETAIL.format(
            file=source.file, paragraphs=len(source.paragraphs), passages=passages
        )
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
