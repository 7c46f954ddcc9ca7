"""Inline mode: `@bot question` in any chat offers the top passages to send; an empty
query offers the sources."""

from __future__ import annotations

from telegram import (
    InlineQuery,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
)

from bot import wording as w
from bot.citation import label
from bot.context import SourcebotContext
from bot.handlers.base import Outcome, on_inline
from bot.render_html import plain, render_answer, render_source_card, render_source_line
from retrieval import Answer

INLINE_RESULTS = 5
INLINE_SOURCES = 50
INLINE_CACHE_SECONDS = 30


@on_inline
async def on_inline_query(query: InlineQuery, context: SourcebotContext) -> Outcome:
    """Offer the top passages for an inline query, or the sources list when it is empty."""
    library = context.library
    text = query.query.strip()
    results: list[InlineQueryResultArticle] = []
    found: bool | None = None
    if not text:
        for s in library.sources[:INLINE_SOURCES]:
            results.append(
                InlineQueryResultArticle(
                    id=f"s{s.number}",
                    title=plain(f"{s.number}. {s.meta.title}")[:200],
                    description=render_source_line(s),
                    input_message_content=InputTextMessageContent(
                        render_source_card(s, context.words)
                    ),
                )
            )
    else:
        answer = await context.state.lanes.answers.run(library.answer, text, INLINE_RESULTS)
        words = context.words
        found = answer.found
        for hit in answer.hits:
            single = Answer(answer.question, True, (hit,), answer.corrected_terms, answer.terms)
            p = hit.passage
            cite = label(hit.meta, hit.source_number, p.paragraph, p.section, p.page)
            results.append(
                InlineQueryResultArticle(
                    id=f"h{hit.rank}",
                    title=plain(f"{cite.mark} {cite.text}".strip())[:200],
                    description=plain(hit.quote.text)[:120],
                    input_message_content=InputTextMessageContent(
                        render_answer(single, words=words)
                    ),
                )
            )
    button = None
    if text and not results:
        nothing = context.words(w.INLINE_NOTHING)
        button = InlineQueryResultsButton(text=nothing, start_parameter="help")
    await query.answer(results, cache_time=INLINE_CACHE_SECONDS, button=button)
    return Outcome("inline", size=len(text), found=found)
