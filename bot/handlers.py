"""Thin Telegram handlers: read the update, call the library, render, reply, log one line.

No searching or formatting happens here: `retrieval.library.Library` answers and
`bot.render_html` renders. Each handler logs one INFO line per update (chat type, what
was asked and how long, found or not, latency), never who asked, and the question's text
only when `privacy.log_questions` is on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, TelegramError, TimedOut
from telegram.ext import ContextTypes, filters

from bot import callbacks as cb
from bot.render_html import (
    esc,
    render_answer,
    render_context,
    render_help,
    render_source_card,
    render_source_line,
    render_sources,
    render_start,
    render_stats,
    render_summary,
)
from bot.state import BotState, NotReadyError, get_library, get_state
from retrieval.errors import SourcebotError
from retrieval.library import Library
from retrieval.model import Answer

log = logging.getLogger("sourcebot.updates")
T = TypeVar("T")
Context = ContextTypes.DEFAULT_TYPE

INLINE_RESULTS = 5
SUMMARY_USAGE = "Usage: /summary, /summary N (a number from /sources), or /summary <topic>"
ASK_USAGE = "Usage: /ask <question>, e.g. /ask What was said about sanctions?"
NOT_TEXT = "I can only read text. Send me a question as a message, or see /help for what I can do."
STALE = "That button is from an earlier session. Please ask the question again."


def _chat_type(update: Update) -> str:
    return update.effective_chat.type if update.effective_chat else "inline"


def log_update(
    update: Update,
    kind: str,
    started: float,
    *,
    size: int = 0,
    found: bool | None = None,
    text: str | None = None,
) -> None:
    """Log one line about a handled update: never the user; the text only when given
    (callers pass it only with privacy.log_questions on)."""
    log.info(
        "update=%s chat=%s kind=%s length=%d found=%s ms=%.1f%s",
        update.update_id,
        _chat_type(update),
        kind,
        size,
        "-" if found is None else ("yes" if found else "no"),
        (time.perf_counter() - started) * 1000,
        "" if text is None else f" question={text[:300]!r}",
    )


def answer_keyboard(
    answer: Answer, qid: str | None, page_size: int, library: Library, votes: bool = False
) -> InlineKeyboardMarkup | None:
    """Return Context buttons for each hit, More/Back buttons for paging, 👍/👎 for votes."""
    if not answer.hits:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    context_row = [
        InlineKeyboardButton(
            f"Context {hit.rank}",
            callback_data=cb.encode(
                cb.Context(library.source_number(hit.passage.source), hit.passage.paragraph)
            ),
        )
        for hit in answer.hits
    ]
    rows.append(context_row)
    paging: list[InlineKeyboardButton] = []
    first = answer.hits[0].rank - 1
    if qid is not None and first > 0:
        back = cb.More(qid, max(first - page_size, 0))
        paging.append(InlineKeyboardButton("◀ Back", callback_data=cb.encode(back)))
    if qid is not None and answer.more:
        more = cb.More(qid, first + len(answer.hits))
        paging.append(InlineKeyboardButton("More ▶", callback_data=cb.encode(more)))
    if paging:
        rows.append(paging)
    if votes and qid is not None:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=cb.encode(cb.Vote(qid, True))),
                InlineKeyboardButton("👎", callback_data=cb.encode(cb.Vote(qid, False))),
            ]
        )
    return InlineKeyboardMarkup(rows)


def cited(answer: Answer) -> tuple[str, ...]:
    """Return the passages an answer cites, as "source#paragraph"."""
    return tuple(f"{h.passage.source}#{h.passage.paragraph}" for h in answer.hits)


async def with_typing(message: Message, delay_ms: int, work: Callable[..., T], *args: Any) -> T:
    """Run work off the event loop; show "typing…" if it takes longer than delay_ms.

    Telegram asks bots to send a chat action when a reply will take a noticeable time;
    most answers take milliseconds, and an action sent for those would only cost a
    round trip per question (and could arrive after the reply).
    """
    task = asyncio.ensure_future(asyncio.to_thread(work, *args))
    if delay_ms > 0:
        done, _ = await asyncio.wait({task}, timeout=delay_ms / 1000)
        if done:
            return task.result()
    try:
        await message.get_bot().send_chat_action(message.chat_id, ChatAction.TYPING)
    except TelegramError as exc:  # the answer matters more than the indicator
        log.warning("typing action failed: %s", exc)
    return await task


async def reply_answer(
    update: Update, context: Context, message: Message, question: str, kind: str
) -> None:
    """Answer a question in reply to message, with buttons, and log it."""
    started = time.perf_counter()
    library = get_library(context)  # once: a reload meanwhile must not mix two libraries
    state = get_state(context)
    answer = await with_typing(
        message, state.settings.telegram.typing_delay_ms, library.answer, question
    )
    privacy = state.settings.privacy
    state.stats.record(question, answer.found, keep_text=privacy.log_questions)
    votes = privacy.feedback and bool(answer.hits)
    qid = state.questions.remember(question, cited(answer)) if answer.more or votes else None
    page = len(answer.hits) or 1
    await message.reply_text(
        render_answer(answer),
        reply_markup=answer_keyboard(answer, qid, page, library, votes),
        do_quote=message.chat.type != ChatType.PRIVATE,
    )
    shown = question if privacy.log_questions else None
    log_update(update, kind, started, size=len(question), found=answer.found, text=shown)


def _strip_mention(message: Message) -> str:
    """Return the message text without the @mention of this bot."""
    text = message.text or ""
    username = message.get_bot().username
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if value.lstrip("@").casefold() == (username or "").casefold():
            text = text.replace(value, " ", 1)
    return text.strip()


async def on_text(update: Update, context: Context) -> None:
    """Answer a text message: every message in private, mentions and replies in groups."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    question = _strip_mention(message) if message.chat.type != ChatType.PRIVATE else message.text
    await reply_answer(update, context, message, question, "question")


async def on_ask(update: Update, context: Context) -> None:
    """Answer /ask <question>."""
    message = update.effective_message
    if message is None:
        return
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_text(esc(ASK_USAGE))
        log_update(update, "ask-usage", time.perf_counter())
        return
    await reply_answer(update, context, message, question, "ask")


async def on_start(update: Update, context: Context) -> None:
    """Say what the bot knows, how to ask, and offer an example question."""
    started = time.perf_counter()
    message = update.effective_message
    if message is None:
        return
    library = get_library(context)
    example = library.example_question()
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(f"Try: {example}"[:60], callback_data=cb.encode(cb.Example(0)))]]
    )
    await message.reply_text(render_start(library.sources, example), reply_markup=keyboard)
    log_update(update, "start", started)


async def on_help(update: Update, context: Context) -> None:
    """List every command with one line each."""
    started = time.perf_counter()
    if update.effective_message is not None:
        await update.effective_message.reply_text(render_help())
    log_update(update, "help", started)


async def on_sources(update: Update, context: Context) -> None:
    """List the sources with a summary button for each."""
    started = time.perf_counter()
    message = update.effective_message
    if message is None:
        return
    library = get_library(context)
    rows = [(s, library.passage_count(s)) for s in library.sources]
    buttons = [
        [
            InlineKeyboardButton(
                f"Summary of {s.number}", callback_data=cb.encode(cb.SourceSummary(s.number))
            )
        ]
        for s in library.sources[:20]
    ]
    await message.reply_text(render_sources(rows), reply_markup=InlineKeyboardMarkup(buttons))
    log_update(update, "sources", started)


async def on_summary(update: Update, context: Context) -> None:
    """Summarise all sources, one source (number, file or title words) or a topic."""
    started = time.perf_counter()
    message = update.effective_message
    if message is None:
        return
    library = get_library(context)
    arg = " ".join(context.args or []).strip()
    source = library.find_source(arg) if arg else None
    if arg.isdigit() and source is None:
        await message.reply_text(
            esc(f"There is no source {arg}: /sources lists {len(library.sources)}. {SUMMARY_USAGE}")
        )
        log_update(update, "summary-usage", started)
        return
    topic = arg if arg and source is None else None
    if topic is not None and not library.index.tokenizer.tokenize(topic):
        await message.reply_text(esc(SUMMARY_USAGE))
        log_update(update, "summary-usage", started)
        return
    summary = await asyncio.to_thread(library.summarize, source, topic)
    await message.reply_text(render_summary(summary))
    log_update(update, "summary", started, size=len(arg), found=bool(summary.sentences))


async def _admin_message(update: Update, context: Context, command: str) -> Message | None:
    """Return the message of an admin's command; refuse anyone else and return None."""
    message = update.effective_message
    if message is None:
        return None
    user = update.effective_user
    if user is None or user.id not in get_state(context).settings.access.admins:
        await message.reply_text(f"Only the bot's admins can use /{command} (access.admins).")
        log_update(update, f"{command}-refused", time.perf_counter())
        return None
    return message


async def on_stats(update: Update, context: Context) -> None:
    """Show admins what was asked: counts, not-found rate, frequent unanswered questions."""
    started = time.perf_counter()
    message = await _admin_message(update, context, "stats")
    if message is None:
        return
    state = get_state(context)
    await message.reply_text(render_stats(state.stats, state.settings.privacy.log_questions))
    log_update(update, "stats", started)


async def on_reload(update: Update, context: Context) -> None:
    """Re-read the sources (admins only), answering from the old ones until it is done."""
    started = time.perf_counter()
    message = await _admin_message(update, context, "reload")
    if message is None:
        return
    state = get_state(context)
    await message.reply_text("Reloading the sources; I keep answering meanwhile.")
    try:
        library = await state.reload()
    except SourcebotError as exc:
        await message.reply_text(esc(f"Reload failed, still using the old sources: {exc}"))
        log_update(update, "reload-failed", started)
        return
    await message.reply_text(
        f"Reloaded: {len(library.sources)} sources, {len(library.index)} passages."
    )
    log_update(update, "reload", started)


async def reload_on_signal(state: BotState) -> None:
    """Reload on SIGHUP; a failure is logged and the old sources stay in use."""
    try:
        await state.reload()
    except Exception:
        log.exception("reload on SIGHUP failed; still answering from the old sources")


async def on_unknown_command(update: Update, context: Context) -> None:
    """Point to /help for a command this bot does not have (ignore other bots' commands)."""
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0]
    _, _, target = command.partition("@")
    username = (message.get_bot().username or "").casefold()
    if target and target.casefold() != username:
        return  # meant for another bot
    if message.chat.type != ChatType.PRIVATE and not target:
        return  # a bare unknown command in a group is probably for another bot
    started = time.perf_counter()
    await message.reply_text(f"I don't know {esc(command)}. /help lists what I can do.")
    log_update(update, "unknown-command", started)


async def on_other(update: Update, context: Context) -> None:
    """Answer photos, stickers, voice, files, locations... with what the bot can do."""
    started = time.perf_counter()
    if update.effective_message is not None:
        await update.effective_message.reply_text(esc(NOT_TEXT))
    log_update(update, "not-text", started)


async def on_button(update: Update, context: Context) -> None:
    """Handle More, Back, Context, source-summary and example buttons."""
    started = time.perf_counter()
    query = update.callback_query
    if query is None:
        return
    payload = cb.decode(query.data)
    library = get_library(context)
    message = query.message if isinstance(query.message, Message) else None
    if payload is None or message is None:
        await query.answer(STALE)
        log_update(update, "button-stale", started)
        return
    match payload:
        case cb.More(qid, offset):
            state = get_state(context)
            remembered = state.questions.recall(qid)
            if remembered is None:
                await query.answer(STALE)
                log_update(update, "button-stale", started)
                return
            top_k = library.settings.answers.top_k
            answer = await asyncio.to_thread(library.answer, remembered.question, None, offset)
            await query.answer()
            votes = state.settings.privacy.feedback and bool(answer.hits)
            keyboard = answer_keyboard(answer, qid, top_k, library, votes)
            try:
                await query.edit_message_text(render_answer(answer), reply_markup=keyboard)
            except BadRequest as exc:
                if "not modified" not in str(exc).lower():
                    raise
            log_update(update, "more", started, found=answer.found)
        case cb.Context(number, paragraph):
            ctx = library.context(number, paragraph)
            if ctx is None:
                await query.answer("That passage is no longer in the sources.")
                log_update(update, "button-stale", started)
                return
            await query.answer()
            await message.reply_text(render_context(ctx))
            log_update(update, "context", started)
        case cb.SourceSummary(number):
            source = library.find_source(str(number))
            if source is None:
                await query.answer("That source is no longer loaded: see /sources.")
                return
            await query.answer()
            summary = await asyncio.to_thread(library.summarize, source)
            await message.reply_text(render_summary(summary))
            log_update(update, "summary", started, found=bool(summary.sentences))
        case cb.Vote(qid, up):
            state = get_state(context)
            remembered = state.questions.recall(qid)
            if remembered is None or state.feedback is None:
                await query.answer(STALE)
                log_update(update, "button-stale", started)
                return
            await asyncio.to_thread(state.feedback.record, remembered.question, remembered.hits, up)
            await query.answer("Thanks: noted." if up else "Thanks: noted, I will do better.")
            log_update(update, "vote", started)
        case cb.Example():
            await query.answer()
            await reply_answer(update, context, message, library.example_question(), "example")


async def on_inline(update: Update, context: Context) -> None:
    """Offer the top passages for an inline query, or the sources list when it is empty."""
    started = time.perf_counter()
    query = update.inline_query
    if query is None:
        return
    library = get_library(context)
    text = query.query.strip()
    results: list[InlineQueryResultArticle] = []
    found: bool | None = None
    if not text:
        for s in library.sources[:50]:
            results.append(
                InlineQueryResultArticle(
                    id=f"s{s.number}",
                    title=f"{s.number}. {s.meta.title}"[:200],
                    description=render_source_line(s),
                    input_message_content=InputTextMessageContent(render_source_card(s)),
                )
            )
    else:
        answer = await asyncio.to_thread(library.answer, text, INLINE_RESULTS)
        found = answer.found
        for hit in answer.hits:
            single = Answer(answer.question, True, (hit,), answer.corrected_terms, answer.terms)
            results.append(
                InlineQueryResultArticle(
                    id=f"h{hit.rank}",
                    title=f"{hit.meta.title} · ¶ {hit.passage.paragraph}"[:200],
                    description=hit.quote.text[:120],
                    input_message_content=InputTextMessageContent(render_answer(single)),
                )
            )
    button = None
    if text and not results:
        button = InlineQueryResultsButton(
            text="Nothing found: open the bot", start_parameter="help"
        )
    await query.answer(results, cache_time=30, button=button)
    log_update(update, "inline", started, size=len(text), found=found)


async def on_error(update: object, context: Context) -> None:
    """Log the failure with the update id and tell the user something went wrong."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, NotReadyError):
        reply = "I am still loading the sources. Please try again in a few seconds."
        log.warning("update=%s before the sources were loaded", update_id)
    elif isinstance(error, TimedOut):
        # A timed-out call may still have been carried out (a slow server): the answer is
        # probably on its way, so say nothing rather than "something went wrong" beside it.
        log.warning("update=%s: a Bot API call timed out; not retried", update_id)
        return
    else:
        reply = "Sorry, something went wrong while answering. Please try again."
        log.error("update=%s failed", update_id, exc_info=error)
    if isinstance(update, Update):
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(reply)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(esc(reply))
        except Exception:  # the reply itself failed (network?): logging is all that is left
            log.warning("update=%s: could not tell the user about the failure", update_id)


class AddressedToBot(filters.MessageFilter):
    """Messages that mention this bot by @username or reply to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            return True
        username = (bot.username or "").casefold()
        mentions = message.parse_entities([MessageEntity.MENTION]).values()
        return any(m.lstrip("@").casefold() == username for m in mentions)
