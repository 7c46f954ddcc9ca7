"""Button presses, one handler a payload kind (routed by python-telegram-bot's `pattern`):
More/Back, Context, a source's Summary, the /start example, and 👍/👎 votes.

A More or vote press finds its question only in the chat where it was asked, or from the
person who asked it (bot/memory.py); a vote is one per person and answer."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message
from telegram.error import BadRequest

from bot import payloads as pl
from bot.context import SourcebotContext
from bot.feedback import FeedbackError, voter_key
from bot.handlers.base import STALE, Outcome, on_button
from bot.handlers.questions import reply_answer
from bot.keyboards import answer_keyboard
from bot.lanes import LaneBusyError
from bot.render_html import render_answer, render_context, render_summary

log = logging.getLogger("sourcebot.updates")

VOTE_FAILED = "Sorry, I could not note your vote just now: please try again later."


@on_button(pl.More)
async def on_more(
    query: CallbackQuery, message: Message, payload: pl.More, context: SourcebotContext
) -> Outcome:
    """Show the next (or previous) hits of a remembered question in the same message."""
    library = context.library
    state = context.state
    remembered = state.questions.recall(
        payload.qid, chat_id=message.chat_id, user_id=query.from_user.id
    )
    if remembered is None:
        await query.answer(STALE)
        return Outcome("button-stale")
    answer = await state.lanes.answers.run(
        library.answer, remembered.question, None, payload.offset
    )
    await query.answer()
    votes = state.settings.privacy.feedback and bool(answer.hits)
    keyboard = answer_keyboard(answer, payload.qid, library.page_size, votes)
    try:
        await query.edit_message_text(render_answer(answer), reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            raise
    return Outcome("more", found=answer.found)


@on_button(pl.Context)
async def on_context(
    query: CallbackQuery, message: Message, payload: pl.Context, context: SourcebotContext
) -> Outcome:
    """Show a cited paragraph with the one before and after it."""
    found = context.library.context(payload.source, payload.paragraph)
    if found is None:
        await query.answer("That passage is no longer in the sources.")
        return Outcome("button-stale")
    await query.answer()
    await message.reply_text(render_context(found))
    return Outcome("context")


@on_button(pl.SourceSummary)
async def on_source_summary(
    query: CallbackQuery, message: Message, payload: pl.SourceSummary, context: SourcebotContext
) -> Outcome:
    """Summarise the source a /sources button names."""
    library = context.library
    source = library.find_source(str(payload.source))
    if source is None:
        await query.answer("That source is no longer loaded: see /sources.")
        return Outcome("button-stale")
    await query.answer()
    summary = await context.state.lanes.answers.run(library.summarize, source)
    await message.reply_text(render_summary(summary))
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
    remembered = state.questions.recall(payload.qid, chat_id=message.chat_id, user_id=presser)
    if remembered is None or state.feedback is None:
        await query.answer(STALE)
        return Outcome("button-stale")
    voter = voter_key(payload.qid, presser)
    try:
        await state.lanes.io.run(
            state.feedback.record, remembered.question, remembered.hits, payload.up, voter
        )
    except (LaneBusyError, FeedbackError) as exc:
        log.warning("vote not stored: %s", exc)
        await query.answer(VOTE_FAILED)
        return Outcome("vote-failed")
    await query.answer("Thanks: noted." if payload.up else "Thanks: noted, I will do better.")
    return Outcome("vote")
