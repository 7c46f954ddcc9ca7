"""Draw replies as Telegram HTML that always fits: answers, summaries, contexts, /help
(laid out by reply.py), and the sources list, /start, source cards and /stats.

Every piece of source or user text is escaped here and nowhere else. A reply never
exceeds Telegram's 4096-character limit after entity parsing (counted, as Telegram does,
in UTF-16 code units): long quotes are shortened at a word boundary with "…", never cut
inside a tag. Whatever the sources or the user send: titles, bylines, sections and echoed
topics are clipped (reply.py), the last quotes give way (with the references only they
needed) when their citations alone would not fit, lone surrogates (not Unicode, so not
sendable) become U+FFFD, bidi controls that would reorder a line are dropped, and only
http(s) addresses become links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram.constants import MessageLimit

from bot import wording as w
from bot.catalogs import ENGLISH, Words
from bot.citation import source_line
from bot.reply import (
    Chunk,
    Line,
    Reply,
    Run,
    answer_reply,
    clip,
    context_reply,
    cut,
    help_reply,
    summary_reply,
    utf16_len,
)
from bot.sourcefiles import Added, Refused
from bot.stats import IndexSize, Stats
from retrieval import Answer, ParagraphContext, Quote, Source, Summary

__all__ = [
    "LIMIT",
    "clip",
    "esc",
    "highlight",
    "render_answer",
    "render_context",
    "render_help",
    "render_source_card",
    "render_source_line",
    "render_sources",
    "render_start",
    "render_stats",
    "render_summary",
    "render_upload",
    "shorten",
    "utf16_len",
]

LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
ELLIPSIS = "…"
MIN_QUOTE = 20  # the least of each quote worth showing: fewer quotes rather than less
MAX_URL = 2048
_SURROGATE = re.compile("[\ud800-\udfff]")
# The bidi embeddings, overrides and isolates: a file name or title holding one would
# reorder the rest of the line it is shown in (a /sources list, a citation).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def plain(text: str) -> str:
    """Return text for a plain-text field (a button label, an inline result's title): lone
    surrogates replaced by U+FFFD, bidi controls that reorder a line dropped."""
    return _BIDI.sub("", _SURROGATE.sub("\ufffd", text))


def esc(text: str) -> str:
    """Return text escaped for Telegram HTML: lone surrogates replaced by U+FFFD, bidi
    controls that reorder a line dropped."""
    return html.escape(plain(text), quote=False)


def shorten(quote: Quote, budget: int) -> Quote:
    """Return the quote cut to at most `budget` UTF-16 units at a word boundary, with "…"."""
    if utf16_len(quote.text) <= budget:
        return quote
    head = cut(quote.text, budget)
    marks = tuple((s, e) for s, e in quote.marks if e <= len(head))
    return Quote(head + ELLIPSIS, marks)


def _linked(title_html: str, url: str | None) -> str:
    """Return the title as a link to url when url is a web address Telegram can open."""
    if not url or len(url) > MAX_URL or not url.startswith(("http://", "https://")):
        return title_html
    return f'<a href="{html.escape(_SURROGATE.sub("", url), quote=True)}">{title_html}</a>'


def highlight(quote: Quote) -> str:
    """Return the quote as escaped HTML with its marked words in bold."""
    out, cursor = [], 0
    for start, end in quote.marks:
        if start < cursor:
            continue
        out += [esc(quote.text[cursor:start]), "<b>", esc(quote.text[start:end]), "</b>"]
        cursor = end
    out.append(esc(quote.text[cursor:]))
    return "".join(out)


def _run(run: Run, in_bold: bool) -> str:
    text = esc(run.text)
    if run.bold and not in_bold:
        text = f"<b>{text}</b>"
    if run.italic:
        text = f"<i>{text}</i>"
    return _linked(text, run.url)


def _line(line: Line) -> str:
    """Return one line as HTML, with its newline."""
    heading = line.role == "heading"
    text = "".join(_run(r, heading) for r in line.runs)
    if heading and text:
        text = f"<b>{text}</b>"
    elif line.role == "minor" and text:
        text = f"<i>{text}</i>"
    return text + "\n"


Piece = tuple[str, Quote | None, str]  # HTML before a quote, the quote, HTML after it


def _piece(chunk: Chunk) -> Piece:
    return ("".join(map(_line, chunk.before)), chunk.quote, "".join(map(_line, chunk.after)))


def _fit(reply: Reply) -> str:
    """Draw a reply, shortening quotes so the parsed text fits.

    When the text around the quotes leaves less than MIN_QUOTE for each, the last quoted
    chunks are left out (never the first), and the references only they needed.
    """
    kept = list(reply)
    fixed = [utf16_len(_plain(a)) + utf16_len(_plain(b)) for a, _, b in map(_piece, kept)]
    quoted = [i for i, c in enumerate(kept) if c.quote is not None]
    while len(quoted) > 1 and sum(fixed) + MIN_QUOTE * len(quoted) > LIMIT - 8:
        last = quoted.pop()
        del kept[last], fixed[last]
        cited = {c.cites for c in kept if c.quote is not None}
        for i in range(len(kept) - 1, -1, -1):
            if kept[i].refers is not None and kept[i].refers not in cited:
                del kept[i], fixed[i]
        quoted = [i for i, c in enumerate(kept) if c.quote is not None]
    pieces = [_piece(c) for c in kept]
    room = LIMIT - sum(fixed) - 8
    while True:
        text = _join(pieces, room)
        over = utf16_len(_plain(text)) - LIMIT
        if over <= 0 or room <= 0:
            return text.rstrip("\n")
        room -= over  # shares are rounded: take what they overshot from the room


def _join(pieces: Sequence[Piece], room: int) -> str:
    """Join pieces, quotes shortened to shares of room in proportion to their length."""
    total = sum(utf16_len(q.text) for _, q, _ in pieces if q is not None)
    out: list[str] = []
    for before, quote, after in pieces:
        body = ""
        if quote is not None:
            shown = quote
            if total > room:
                share = max(room * utf16_len(quote.text) // max(total, 1), 0)
                shown = shorten(quote, max(share, 1))
            body = f"<blockquote>{highlight(shown)}</blockquote>\n"
        out.append(f"{before}{body}{after}")
    return "".join(out)


def _plain(fragment: str) -> str:
    """Return what Telegram shows for an HTML fragment we produced (tags dropped)."""
    text, inside = [], False
    for ch in fragment:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            text.append(ch)
    return html.unescape("".join(text))


def render_answer(
    answer: Answer, referenced: frozenset[str] = frozenset(), words: Words = ENGLISH
) -> str:
    """Return an Answer as Telegram HTML: what was searched, quotes in blockquotes, each
    with its label, and the references of the sources not in `referenced`."""
    return _fit(answer_reply(answer, w.TELEGRAM, referenced, words))


def render_context(
    ctx: ParagraphContext, number: int = 0, referenced: frozenset[str] = frozenset()
) -> str:
    """Return a paragraph in full with the one before and after it, cited (source `number`)."""
    return _fit(context_reply(ctx, number, referenced))


def render_summary(
    summary: Summary, referenced: frozenset[str] = frozenset(), words: Words = ENGLISH
) -> str:
    """Return a Summary as Telegram HTML: a heading line per source, quotes with labels."""
    return _fit(summary_reply(summary, w.TELEGRAM, referenced, words))


def render_help(words: Words = ENGLISH) -> str:
    """Return the /help text: every command with one line."""
    return _fit(help_reply(w.TELEGRAM, words))


def render_sources(rows: Sequence[tuple[Source, int]], words: Words = ENGLISH) -> str:
    """Return the numbered list of sources with their metadata."""
    lines = [f"<b>{esc(words.count(w.SOURCES_COUNT, len(rows)))}</b>"]
    for source, passages in rows:
        meta = source.meta
        title = _linked(esc(clip(meta.title)), meta.url)
        byline = clip(source_line(meta))
        lines.append(
            f"\n<b>[{source.number}]</b> {title}" + (f" — {esc(byline)}" if byline else "")
        )
        detail = words(
            w.SOURCES_DETAIL,
            file=clip(source.file),
            paragraphs=len(source.paragraphs),
            passages=passages,
        )
        lines.append(f"<i>{esc(detail)}</i>")
    text = "\n".join(lines)
    while utf16_len(_plain(text)) > LIMIT - 40 and len(lines) > 3:
        lines = lines[:-2]
        text = "\n".join(lines) + "\n\n" + esc(words(w.SOURCES_MORE, count=len(rows)))
    return text


def render_start(sources: Sequence[Source], example: str, words: Words = ENGLISH) -> str:
    """Return the /start text: what the bot knows and how to ask."""
    opening, how = w.start_lines(len(sources), words)
    titles = "\n".join(f"[{s.number}] {esc(clip(s.meta.title))}" for s in sources[:10])
    more = ""
    if len(sources) > 10:
        more = "\n" + esc(words(w.START_MORE, more=len(sources) - 10))
    return (
        f"{esc(opening)}\n{titles}{more}\n\n{esc(how)}\n"
        f"{esc(words(w.START_EXAMPLE))}<i>{esc(clip(example))}</i>\n\n"
        f"{esc(words(w.START_HELP))}"
    )


def render_source_line(source: Source) -> str:
    """Return a source's byline as plain text (for inline result descriptions)."""
    return plain(source_line(source.meta) or source.file)


def render_source_card(source: Source, words: Words = ENGLISH) -> str:
    """Return one source as a short cited card (inline mode, empty query)."""
    meta = source.meta
    # The card is a whole message, which Telegram refuses when it is blank.
    name = (
        meta.title.strip() or source.file.strip() or words(w.SOURCE_UNNAMED, number=source.number)
    )
    title = _linked(esc(clip(name)), meta.url)
    byline = clip(source_line(meta))
    return f"<b>{title}</b>" + (f"\n{esc(byline)}" if byline else "")


def render_stats(
    stats: Stats, questions_kept: bool, index: IndexSize | None = None, words: Words = ENGLISH
) -> str:
    """Return /stats: questions answered, not-found rate, answer time, the sources and the
    index's size, frequent unanswered questions."""
    lines = [
        f"<b>{esc(words(w.STATS_TITLE))}</b>",
        esc(words(w.STATS_QUESTIONS, count=stats.questions)),
        esc(words(w.STATS_NOT_FOUND, count=stats.not_found, rate=stats.not_found_rate)),
        esc(words(w.STATS_LATENCY, ms=stats.p95_ms, count=len(stats.times_ms))),
    ]
    if index is not None:
        lines.append(
            esc(
                words(
                    w.STATS_SOURCES,
                    sources=index.sources,
                    passages=index.passages,
                    terms=index.terms,
                )
            )
        )
        if index.saved_bytes is not None:
            lines.append(esc(words(w.STATS_ON_DISK, mb=index.saved_bytes / 1e6)))
    if not questions_kept:
        lines.append(f"<i>{esc(words(w.STATS_NOT_KEPT))}</i>")
    elif stats.unanswered:
        lines.append(f"\n<b>{esc(words(w.STATS_UNANSWERED))}</b>")
        lines += [f"{n}× {esc(q)}" for q, n in stats.unanswered.most_common(10)]
    text = "\n".join(lines)
    while utf16_len(_plain(text)) > LIMIT and len(lines) > 7:
        lines.pop()
        text = "\n".join(lines)
    return text


SHOWN_SOURCES = 5  # of a .jsonl file's sources, listed in the reply to its upload


def render_upload(result: Added | Refused, words: Words = ENGLISH) -> str:
    """Return the reply to an upload: what was added, or why nothing was."""
    name = clip(result.name)
    if isinstance(result, Refused):
        if result.why == "exists":
            return esc(words(w.UPLOAD_EXISTS, name=name))
        if result.why == "unreadable":
            return esc(words(w.UPLOAD_UNREADABLE, name=name, detail=clip(result.detail, 600)))
        return esc(words(w.UPLOAD_FAILED, name=name))
    head = w.UPLOAD_REPLACED if result.replaced else w.UPLOAD_ADDED
    lines = [f"<b>{esc(words(head, name=name))}</b>"]
    lines += [esc(_upload_line(s, words)) for s in result.sources[:SHOWN_SOURCES]]
    if len(result.sources) > SHOWN_SOURCES:
        more = len(result.sources) - SHOWN_SOURCES
        lines.append(esc(words(w.UPLOAD_MORE_SOURCES, more=more)))
    lines.append(esc(words(w.UPLOAD_TRY, example=result.example)))
    return "\n".join(lines)


def _upload_line(source: Source, words: Words) -> str:
    author = words(w.UPLOAD_BY, author=source.meta.author) if source.meta.author else ""
    return words(
        w.UPLOAD_SOURCE,
        number=source.number,
        label=clip(source.meta.title),
        author=clip(author),
        paragraphs=len(source.paragraphs),
    )
