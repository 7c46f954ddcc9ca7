"""Render answers, summaries, contexts and listings as Telegram HTML that always fits.

Every piece of source or user text is escaped here and nowhere else. A reply never
exceeds Telegram's 4096-character limit after entity parsing (counted, as Telegram does,
in UTF-16 code units): long quotes are shortened at a word boundary with "…", never cut
inside a tag.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram.constants import MessageLimit

from bot.citation import cite, source_line
from bot.stats import Stats
from retrieval.model import (
    Answer,
    Hit,
    ParagraphContext,
    Quote,
    Source,
    Summary,
    SummarySentence,
)

LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
ELLIPSIS = "…"
NOT_FOUND = (
    "I found nothing in the sources that answers this. "
    "Try other words, or see /sources for what they cover."
)
NO_TERMS = (
    "Your message has no words I can search for. "
    "Ask about a person, place or topic, e.g. <i>What was said about sanctions?</i>"
)


def esc(text: str) -> str:
    """Return text escaped for Telegram HTML."""
    return html.escape(text, quote=False)


def utf16_len(text: str) -> int:
    """Return the length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def shorten(quote: Quote, budget: int) -> Quote:
    """Return the quote cut to at most `budget` UTF-16 units at a word boundary, with "…"."""
    if utf16_len(quote.text) <= budget:
        return quote
    room = max(budget - 1, 0)
    cut = quote.text[:room]
    while utf16_len(cut) > room:
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space > room // 2:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:–—-")
    marks = tuple((s, e) for s, e in quote.marks if e <= len(cut))
    return Quote(cut + ELLIPSIS, marks)


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


def citation_html(hit_rank: int | None, meta_title: str, url: str | None, rest: str) -> str:
    """Return a citation line: number, title (linked when there is a url), the rest."""
    title = esc(meta_title)
    if url:
        title = f'<a href="{html.escape(url, quote=True)}">{title}</a>'
    number = f"<b>{hit_rank}.</b> " if hit_rank is not None else ""
    return f"{number}{title}{esc(rest)}"


def _hit_citation(hit: Hit) -> str:
    c = cite(hit.meta, hit.passage.paragraph, hit.passage.section, hit.passage.page)
    rest = (f" — {c.byline}" if c.byline else "") + f" · {c.place}"
    return citation_html(hit.rank, c.title, c.url, rest)


def _fit(pieces: Sequence[tuple[str, Quote | None, str]]) -> str:
    """Join (before, quote, after) pieces, shortening quotes so the parsed text fits."""
    fixed = sum(utf16_len(_plain(a)) + utf16_len(_plain(b)) for a, _, b in pieces)
    quotes = [q for _, q, _ in pieces if q is not None]
    room = LIMIT - fixed - 8
    total = sum(utf16_len(q.text) for q in quotes)
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


def render_answer(answer: Answer) -> str:
    """Return an Answer as Telegram HTML: corrections, quotes in blockquotes, citations."""
    head = ""
    if answer.corrected_terms:
        head = "Searched for: " + ", ".join(
            f"<b>{esc(w)}</b>" for w in answer.corrected_terms.values()
        )
        head += "\n"
    if not answer.terms:
        return head + NO_TERMS
    if not answer.found:
        return head + esc(NOT_FOUND)
    if not answer.hits:
        return head + "No more passages match this question."
    pieces: list[tuple[str, Quote | None, str]] = []
    for i, hit in enumerate(answer.hits):
        before = head if i == 0 else "\n"
        pieces.append((before, hit.quote, _hit_citation(hit) + "\n"))
    return _fit(pieces).rstrip("\n")


def render_context(ctx: ParagraphContext) -> str:
    """Return a paragraph in full with the one before and after it, cited."""
    p = ctx.paragraph
    pieces: list[tuple[str, Quote | None, str]] = []
    if ctx.before is not None:
        pieces.append((f"<i>¶ {ctx.before.number}</i>\n", Quote(ctx.before.text), ""))
    pieces.append((f"<b>¶ {p.number}</b>\n", Quote(p.text), ""))
    if ctx.after is not None:
        pieces.append((f"<i>¶ {ctx.after.number}</i>\n", Quote(ctx.after.text), ""))
    c = cite(ctx.meta, p.number, p.section, p.page)
    rest = (f" — {c.byline}" if c.byline else "") + f" · {c.place}"
    pieces.append(("", None, citation_html(None, c.title, c.url, rest)))
    return _fit(pieces)


def _summary_citation(s: SummarySentence, labelled: bool) -> str:
    if labelled:
        return f"¶ {s.paragraph}"
    byline = source_line(s.meta)
    return f"{s.meta.title}" + (f" — {byline}" if byline else "") + f" · ¶ {s.paragraph}"


def render_summary(summary: Summary) -> str:
    """Return a Summary as Telegram HTML, each sentence quoted and cited."""
    if not summary.sentences:
        about = f" about <b>{esc(summary.topic)}</b>" if summary.topic else ""
        return f"I found nothing in the sources{about} to summarise. See /sources."
    # Sentences are grouped under their source's title unless the summary mixes sources.
    labelled = summary.topic is None
    if summary.topic:
        title = f"Summary: <b>{esc(summary.topic)}</b>\n"
    elif summary.source:
        title = f"Summary of <b>{esc(summary.sentences[0].meta.title)}</b>\n"
    else:
        title = "Summary of all sources\n"
    pieces: list[tuple[str, Quote | None, str]] = []
    current: str | None = None
    for i, s in enumerate(summary.sentences):
        before = title if i == 0 else ""
        if labelled and summary.source is None and s.source != current:
            before += f"\n<b>{esc(s.meta.title)}</b>"
            current = s.source
        pieces.append((before, Quote(s.text), f"<i>{esc(_summary_citation(s, labelled))}</i>\n"))
    return _fit(pieces).rstrip("\n")


def render_sources(rows: Sequence[tuple[Source, int]]) -> str:
    """Return the numbered list of sources with their metadata."""
    lines = [f"<b>{len(rows)} sources</b>"]
    for source, passages in rows:
        meta = source.meta
        title = esc(meta.title)
        if meta.url:
            title = f'<a href="{html.escape(meta.url, quote=True)}">{title}</a>'
        byline = source_line(meta)
        lines.append(f"\n<b>{source.number}.</b> {title}" + (f" — {esc(byline)}" if byline else ""))
        lines.append(
            f"<i>{esc(source.file)} · {len(source.paragraphs)} ¶ · {passages} passages</i>"
        )
    text = "\n".join(lines)
    while utf16_len(_plain(text)) > LIMIT - 40 and len(lines) > 3:
        lines = lines[:-2]
        text = "\n".join(lines) + f"\n\n… and more: {len(rows)} in all."
    return text


def render_start(sources: Sequence[Source], example: str) -> str:
    """Return the /start text: what the bot knows and how to ask."""
    titles = "\n".join(f"{s.number}. {esc(s.meta.title)}" for s in sources[:10])
    more = f"\n… and {len(sources) - 10} more (/sources)" if len(sources) > 10 else ""
    return (
        f"I answer questions about <b>{len(sources)} sources</b> by quoting them:\n"
        f"{titles}{more}\n\n"
        "Send me a question and I reply with the passages that answer it, each cited by "
        "source and paragraph. Every quote is verbatim.\n"
        f"For example: <i>{esc(example)}</i>\n\n/help lists the commands."
    )


HELP_LINES = (
    ("start", "what I know and how to ask"),
    ("help", "this list"),
    ("sources", "the sources, numbered, with a summary button each"),
    ("summary", "summary of all sources; /summary N or /summary <title words> for one"),
    ("summary", "/summary <topic>: what the sources say about a topic"),
    ("ask", "/ask <question>: ask in a group (or just send the question in private)"),
    ("reload", "re-read the sources without a restart (admins only)"),
    ("stats", "questions answered and not found (admins only)"),
)


def render_help() -> str:
    """Return the /help text: every command with one line."""
    lines = [f"/{name} — {esc(text)}" for name, text in HELP_LINES]
    return (
        "<b>Commands</b>\n"
        + "\n".join(lines)
        + "\n\nIn a private chat every message is a question. In groups, mention me or "
        "reply to me. Inline: type my @username and a question in any chat."
    )


def render_source_line(source: Source) -> str:
    """Return a source's byline as plain text (for inline result descriptions)."""
    return source_line(source.meta) or source.file


def render_source_card(source: Source) -> str:
    """Return one source as a short cited card (inline mode, empty query)."""
    meta = source.meta
    title = esc(meta.title)
    if meta.url:
        title = f'<a href="{html.escape(meta.url, quote=True)}">{title}</a>'
    byline = source_line(meta)
    return f"<b>{title}</b>" + (f"\n{esc(byline)}" if byline else "")


def render_stats(stats: Stats, questions_kept: bool) -> str:
    """Return /stats: questions answered, not-found rate, frequent unanswered questions."""
    lines = [
        "<b>Since the bot started</b>",
        f"Questions answered: {stats.questions}",
        f"Found nothing: {stats.not_found} ({stats.not_found_rate:.0%})",
    ]
    if not questions_kept:
        lines.append("<i>Unanswered questions are not kept (privacy.log_questions: false).</i>")
    elif stats.unanswered:
        lines.append("\n<b>Most frequent unanswered questions</b>")
        lines += [f"{n}× {esc(q)}" for q, n in stats.unanswered.most_common(10)]
    text = "\n".join(lines)
    while utf16_len(_plain(text)) > LIMIT and len(lines) > 4:
        lines.pop()
        text = "\n".join(lines)
    return text
