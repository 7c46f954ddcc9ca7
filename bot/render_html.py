"""Render answers, summaries, contexts and listings as Telegram HTML that always fits.

Every piece of source or user text is escaped here and nowhere else. A reply never
exceeds Telegram's 4096-character limit after entity parsing (counted, as Telegram does,
in UTF-16 code units): long quotes are shortened at a word boundary with "…", never cut
inside a tag. Whatever the sources or the user send: titles, bylines, sections and echoed
topics are clipped, the last hits or sentences give way when their citations alone would
not fit, lone surrogates (not Unicode, so not sendable) become U+FFFD, bidi controls that
would reorder a line are dropped, and only http(s) addresses become links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram.constants import MessageLimit

from bot.citation import Citation, cite, source_line
from bot.stats import Stats
from retrieval import (
    Answer,
    Hit,
    ParagraphContext,
    Quote,
    Source,
    SourceMeta,
    Summary,
    SummarySentence,
)

LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
ELLIPSIS = "…"
CLIP = 200  # UTF-16 units of a title, byline, section, file name or echoed topic
TERM_CLIP = 64  # of a corrected word in "Searched for"
MIN_QUOTE = 20  # the least of each quote worth showing: fewer quotes rather than less
MAX_URL = 2048
_SURROGATE = re.compile("[\ud800-\udfff]")
# The bidi embeddings, overrides and isolates: a file name or title holding one would
# reorder the rest of the line it is shown in (a /sources list, a citation).
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
NOT_FOUND = (
    "I found nothing in the sources that answers this. "
    "Try other words, or see /sources for what they cover."
)
NO_TERMS = (
    "Your message has no words I can search for. "
    "Ask about a person, place or topic, e.g. <i>What was said about sanctions?</i>"
)


def plain(text: str) -> str:
    """Return text for a plain-text field (a button label, an inline result's title): lone
    surrogates replaced by U+FFFD, bidi controls that reorder a line dropped."""
    return _BIDI.sub("", _SURROGATE.sub("\ufffd", text))


def esc(text: str) -> str:
    """Return text escaped for Telegram HTML: lone surrogates replaced by U+FFFD, bidi
    controls that reorder a line dropped."""
    return html.escape(plain(text), quote=False)


def utf16_len(text: str) -> int:
    """Return the length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _cut(text: str, budget: int) -> str:
    """Return the start of text that leaves room for "…" in budget units, at a word boundary."""
    room = max(budget - 1, 0)
    cut = text[:room]
    units = utf16_len(cut)
    while units > room:
        units -= 2 if ord(cut[-1]) > 0xFFFF else 1
        cut = cut[:-1]
    space = cut.rfind(" ")
    if space > room // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-")


def shorten(quote: Quote, budget: int) -> Quote:
    """Return the quote cut to at most `budget` UTF-16 units at a word boundary, with "…"."""
    if utf16_len(quote.text) <= budget:
        return quote
    cut = _cut(quote.text, budget)
    marks = tuple((s, e) for s, e in quote.marks if e <= len(cut))
    return Quote(cut + ELLIPSIS, marks)


def clip(text: str, budget: int = CLIP) -> str:
    """Return text cut to at most `budget` UTF-16 units at a word boundary, with "…"."""
    return text if utf16_len(text) <= budget else _cut(text, budget) + ELLIPSIS


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


def citation_html(hit_rank: int | None, meta_title: str, url: str | None, rest: str) -> str:
    """Return a citation line: number, title (linked when there is a url), the rest."""
    title = _linked(esc(clip(meta_title)), url)
    number = f"<b>{hit_rank}.</b> " if hit_rank is not None else ""
    return f"{number}{title}{esc(rest)}"


def _citation_rest(
    meta: SourceMeta, paragraph: int, section: str | None, page: int | None
) -> tuple[Citation, str]:
    """Return the citation of a paragraph and what follows its title, each part clipped."""
    c = cite(meta, paragraph, clip(section) if section else None, page)
    return c, (f" — {clip(c.byline)}" if c.byline else "") + f" · {c.place}"


def _hit_citation(hit: Hit) -> str:
    p = hit.passage
    c, rest = _citation_rest(hit.meta, p.paragraph, p.section, p.page)
    return citation_html(hit.rank, c.title, c.url, rest)


Piece = tuple[str, Quote | None, str]  # HTML before a quote, the quote, HTML after it


def _fit(pieces: Sequence[Piece]) -> str:
    """Join (before, quote, after) pieces, shortening quotes so the parsed text fits.

    When the text around the quotes leaves less than MIN_QUOTE for each, the last quoted
    pieces are left out (never the first).
    """
    kept = list(pieces)
    fixed = [utf16_len(_plain(a)) + utf16_len(_plain(b)) for a, _, b in kept]
    quoted = [i for i, (_, q, _) in enumerate(kept) if q is not None]
    while len(quoted) > 1 and sum(fixed) + MIN_QUOTE * len(quoted) > LIMIT - 8:
        last = quoted.pop()
        del kept[last], fixed[last]
    room = LIMIT - sum(fixed) - 8
    while True:
        text = _join(kept, room)
        over = utf16_len(_plain(text)) - LIMIT
        if over <= 0 or room <= 0:
            return text
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


def render_answer(answer: Answer) -> str:
    """Return an Answer as Telegram HTML: corrections, quotes in blockquotes, citations."""
    head = ""
    if answer.corrected_terms:
        head = "Searched for: " + ", ".join(
            f"<b>{esc(clip(w, TERM_CLIP))}</b>" for w in answer.corrected_terms.values()
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
    c, rest = _citation_rest(ctx.meta, p.number, p.section, p.page)
    pieces.append(("", None, citation_html(None, c.title, c.url, rest)))
    return _fit(pieces)


def _summary_citation(s: SummarySentence, labelled: bool) -> str:
    if labelled:
        return f"¶ {s.paragraph}"
    byline = clip(source_line(s.meta))
    return clip(s.meta.title) + (f" — {byline}" if byline else "") + f" · ¶ {s.paragraph}"


def render_summary(summary: Summary) -> str:
    """Return a Summary as Telegram HTML, each sentence quoted and cited."""
    if not summary.sentences:
        about = f" about <b>{esc(clip(summary.topic))}</b>" if summary.topic else ""
        return f"I found nothing in the sources{about} to summarise. See /sources."
    # Sentences are grouped under their source's title unless the summary mixes sources.
    labelled = summary.topic is None
    if summary.topic:
        title = f"Summary: <b>{esc(clip(summary.topic))}</b>\n"
    elif summary.source:
        title = f"Summary of <b>{esc(clip(summary.sentences[0].meta.title))}</b>\n"
    else:
        title = "Summary of all sources\n"
    pieces: list[tuple[str, Quote | None, str]] = []
    current: str | None = None
    for i, s in enumerate(summary.sentences):
        before = title if i == 0 else ""
        if labelled and summary.source is None and s.source != current:
            before += f"\n<b>{esc(clip(s.meta.title))}</b>"
            current = s.source
        pieces.append((before, Quote(s.text), f"<i>{esc(_summary_citation(s, labelled))}</i>\n"))
    return _fit(pieces).rstrip("\n")


def render_sources(rows: Sequence[tuple[Source, int]]) -> str:
    """Return the numbered list of sources with their metadata."""
    lines = [f"<b>{len(rows)} sources</b>"]
    for source, passages in rows:
        meta = source.meta
        title = _linked(esc(clip(meta.title)), meta.url)
        byline = clip(source_line(meta))
        lines.append(f"\n<b>{source.number}.</b> {title}" + (f" — {esc(byline)}" if byline else ""))
        lines.append(
            f"<i>{esc(clip(source.file))} · {len(source.paragraphs)} ¶ · {passages} passages</i>"
        )
    text = "\n".join(lines)
    while utf16_len(_plain(text)) > LIMIT - 40 and len(lines) > 3:
        lines = lines[:-2]
        text = "\n".join(lines) + f"\n\n… and more: {len(rows)} in all."
    return text


def render_start(sources: Sequence[Source], example: str) -> str:
    """Return the /start text: what the bot knows and how to ask."""
    titles = "\n".join(f"{s.number}. {esc(clip(s.meta.title))}" for s in sources[:10])
    more = f"\n… and {len(sources) - 10} more (/sources)" if len(sources) > 10 else ""
    return (
        f"I answer questions about <b>{len(sources)} sources</b> by quoting them:\n"
        f"{titles}{more}\n\n"
        "Send me a question and I reply with the passages that answer it, each cited by "
        "source and paragraph. Every quote is verbatim.\n"
        f"For example: <i>{esc(clip(example))}</i>\n\n/help lists the commands."
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
    return plain(source_line(source.meta) or source.file)


def render_source_card(source: Source) -> str:
    """Return one source as a short cited card (inline mode, empty query)."""
    meta = source.meta
    # The card is a whole message, which Telegram refuses when it is blank.
    name = meta.title.strip() or source.file.strip() or f"Source {source.number}"
    title = _linked(esc(clip(name)), meta.url)
    byline = clip(source_line(meta))
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
