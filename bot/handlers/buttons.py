"""Button presses, one handler a payload kind (routed by python-telegram-bot's `pattern`):
More/Back, More from a source, Context, a source's Summary, the /start example, and 👍/👎
votes.

A More or vote press finds its question only in the chat where it was asked, or from the
person who asked it (bot/memory.py); a vote is one per person and answer."""

from __future__ import annotations

import functools
import logging

from telegram import CallbackQuery, Message
from telegram.error import BadRequest

from bot import payloads as pl
from bot import wording as w
from bot.context import SourcebotContext
from bot.feedback import FeedbackError, voter_key
from bot.handlers.base import Outcome, on_button
from bot.handlers.questions import reply_answer
from bot.keyboards import answer_keyboard
from bot.lanes import LaneBusyError
from bot.render_html import render_answer, render_context, render_summary
from bot.reply import cited_sources
from retrieval import Answer

log = logging.getLogger("sourcebot.updates")


async def _recalled(
    query: CallbackQuery,
    message: Message,
    payload: pl.More | pl.FromSource,
    context: SourcebotContext,
) -> Answer | None:
    """Return the page of hits a More button asks for, from its remembered question (None:
    the question is forgotten, or was asked by someone else in another chat)."""
    remembered = context.state.questions.recall(
        payload.qid, chat_id=message.chat_id, user_id=query.from_user.id
    )
    if remembered is None:
        return None
    work = functools.partial(
        context.library.answer,
        remembered.question,
        None,
        max(payload.offset, 0),
        context=remembered.context,
        source=payload.source,
    )
    return await context.state.lanes.answers.run(work)


@on_button(pl.More)
async def on_more(
    query: CallbackQuery, message: Message, payload: pl.More, context: SourcebotContext
) -> Outcome:
    """Show the next (or previous) hits of a remembered question in the same message."""
    library = context.library
    state = context.state
    words = context.words
    answer = await _recalled(query, message, payload, context)
    if answer is None:
        await query.answer(words(w.STALE))
        return Outcome("button-stale")
    await query.answer()
    votes = state.settings.privacy.feedback and bool(answer.hits)
    several = len(library.sources) > 1
    keyboard = answer_keyboard(answer, payload.qid, library.page_size, votes, several, words)
    talk = state.conversations
    try:
        await query.edit_message_text(
            render_answer(answer, talk.referenced(message.chat_id), words), reply_markup=keyboard
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    talk.note_cited(message.chat_id, cited_sources(answer))
    return Outcome("more", found=answer.found)


@on_button(pl.FromSource)
async def on_more_from_source(
    query: CallbackQuery, message: Message, payload: pl.FromSource, context: SourcebotContext
) -> Outcome:
    """Continue a remembered question within one source of its answer, in a new message."""
    library = context.library
    state = context.state
    words = context.words
    answer = await _recalled(query, message, payload, context)
    if answer is None:
        await query.answer(words(w.STALE))
        return Outcome("button-stale")
    if not answer.hits:
        await query.answer(words(w.NO_MORE_FROM, source=f"[{payload.source}]"))
        return Outcome("more-from", found=False)
    await query.answer()
    votes = state.settings.privacy.feedback
    keyboard = answer_keyboard(answer, payload.qid, library.page_size, votes, words=words)
    talk = state.conversations
    await message.reply_text(
        render_answer(answer, talk.referenced(message.chat_id), words), reply_markup=keyboard
    )
    talk.note_cited(message.chat_id, cited_sources(answer))
    return Outcome("more-from", found=True)


@on_button(pl.Context)
async def on_context(
    query: CallbackQuery, message: Message, payload: pl.Context, context: SourcebotContext
) -> Outcome:
    """Show a cited paragraph with the one before and after it."""
    found = context.library.context(payload.source, payload.paragraph)
    if found is None:
        await query.answer(context.words(w.PASSAGE_GONE))
        return Outcome("button-stale")
    await query.answer()
    talk = context.state.conversations
    referenced = talk.referenced(message.chat_id)
    await message.reply_text(render_context(found, payload.source, referenced))
    talk.note_cited(message.chat_id, [found.meta.file])
    return Outcome("context")


@on_button(pl.SourceSummary)
async def on_source_summary(
    query: CallbackQuery, message: Message, payload: pl.SourceSummary, context: SourcebotContext
) -> Outcome:
    """Summarise the source a /sources button names."""
    library = context.library
    source = library.find_source(str(payload.source))
    if source is None:
        await query.answer(context.words(w.SOURCE_GONE))
        return Outcome("button-stale")
    await query.answer()
    summary = await context.state.lanes.answers.run(library.summarize, source)
    await message.reply_text(render_summary(summary, words=context.words))
    return Outcome("summary", found=bool(summary.sentences))


@on_button(pl.Example)
async def on_example(
    query: CallbackQuery, message: Message, payload: pl.Example, context: SourcebotContext
) -> Outcome:
    """Ask the example question /start offered."""
    await query.answer()
    return await reply_answer(message, context, context.library.example_question(), "example")


@on_button(pl.Vote)
async def on_vote(
    query: CallbackQuery, message: Message, payload: pl.Vote, context: SourcebotContext
) -> Outcome:
    """Store a 👍/👎 vote on an answer (privacy.feedback on)."""
    state = context.state
    presser = query.from_user.id
    words = context.words
    remembered = state.questions.recall(payload.qid, chat_id=message.chat_id, user_id=presser)
    if remembered is None or state.feedback is None:
        await query.answer(words(w.STALE))
        return Outcome("button-stale")
    voter = voter_key(payload.qid, presser)
    try:
        await state.lanes.io.run(
            state.feedback.record, remembered.question, remembered.hits, payload.up, voter
        )
    except (LaneBusyError, FeedbackError) as exc:
        log.warning("vote not stored: %s", exc)
        await query.answer(words(w.VOTE_FAILED))
        return Outcome("vote-failed")
    await query.answer(words(w.VOTE_UP if payload.up else w.VOTE_DOWN))
    return Outcome("vote")
