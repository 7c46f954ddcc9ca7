"""Questions: every text message in private chats, /ask, and messages addressed to the bot
in groups (a mention or a reply to it). The answer is quoted passages with buttons.

A follow-up is answered in the context of the chat's conversation (bot/conversation.py):
a reply to one of the bot's answers carries what that answer searched, a reply quoting part
of it (Telegram's `quote`) searches from the quoted text, and a short message that leans on
the previous one carries the chat's topic; the Library decides which words
(Library.follow_up)."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from telegram import Message, MessageEntity
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import filters

from bot.context import SourcebotContext
from bot.handlers.base import Outcome, on_message
from bot.keyboards import answer_keyboard
from bot.render_html import esc, render_answer
from bot.reply import cited_sources
from bot.wording import ASK_USAGE
from retrieval import Answer, Library

log = logging.getLogger("sourcebot.updates")
T = TypeVar("T")


def cited(answer: Answer) -> tuple[str, ...]:
    """Return the passages an answer cites, as "source#paragraph"."""
    return tuple(f"{h.passage.source}#{h.passage.paragraph}" for h in answer.hits)


async def with_typing(
    message: Message, context: SourcebotContext, work: Callable[..., T], *args: Any
) -> T:
    """Run work in the answers lane; show "typing…" if it takes longer than typing_delay_ms.

    Telegram asks bots to send a chat action when a reply will take a noticeable time;
    most answers take milliseconds, and an action sent for those would only cost a
    round trip per question (and could arrive after the reply).
    """
    task = asyncio.ensure_future(context.state.lanes.answers.run(work, *args))
    delay_ms = context.state.settings.telegram.typing_delay_ms
    if delay_ms > 0:
        done, _ = await asyncio.wait({task}, timeout=delay_ms / 1000)
        if done:
            return task.result()
    try:
        await message.get_bot().send_chat_action(message.chat_id, ChatAction.TYPING)
    except TelegramError as exc:  # the answer matters more than the indicator
        log.warning("typing action failed: %s", exc)
    return await task


def carried(
    message: Message, library: Library, context: SourcebotContext, text: str
) -> tuple[str, ...]:
    """Return the words this message carries from the chat's conversation (a follow-up)."""
    talk = context.state.conversations
    reply = message.reply_to_message
    to_bot = (
        reply is not None
        and reply.from_user is not None
        and reply.from_user.id == message.get_bot().id
    )
    quoted = message.quote.text if to_bot and message.quote is not None else None
    answered = talk.answered(message.chat_id, reply.message_id) if to_bot and reply else None
    previous = answered if answered is not None else talk.topic(message.chat_id)
    return library.follow_up(text, previous, replied=answered is not None, quoted=quoted)


async def reply_answer(
    message: Message, context: SourcebotContext, question: str, kind: str
) -> Outcome:
    """Answer a question in reply to message, with buttons; return what to log."""
    started = time.perf_counter()
    library = context.library  # once: a reload meanwhile must not mix two libraries
    state = context.state
    talk = state.conversations
    chat = message.chat_id
    work = functools.partial(
        library.answer, question, context=carried(message, library, context, question)
    )
    answer = await with_typing(message, context, work)
    privacy = state.settings.privacy
    votes = privacy.feedback and bool(answer.hits)
    several = len(library.sources) > 1 and bool(answer.hits)
    qid = None
    if answer.more or votes or several:
        asker = message.from_user.id if message.from_user else None
        qid = state.questions.remember(
            question, cited(answer), answer.context, chat_id=message.chat_id, user_id=asker
        )
    page = len(answer.hits) or 1
    sent = await message.reply_text(
        render_answer(answer, talk.referenced(chat), context.words),
        reply_markup=answer_keyboard(answer, qid, page, votes, several, context.words),
        do_quote=message.chat.type != ChatType.PRIVATE,
    )
    talk.note_answer(
        chat,
        sent.message_id,
        answer.words + answer.context,
        new_topic=answer.found and not answer.context,
        cited=cited_sources(answer),
    )
    ms = (time.perf_counter() - started) * 1000  # until the reply was sent
    state.stats.record(question, answer.found, keep_text=privacy.log_questions, ms=ms)
    shown = question if privacy.log_questions else None
    return Outcome(kind, size=len(question), found=answer.found, text=shown)


def _strip_mention(message: Message) -> str:
    """Return the message text without the @mention of this bot."""
    text = message.text or ""
    username = message.get_bot().username
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if value.lstrip("@").casefold() == (username or "").casefold():
            text = text.replace(value, " ", 1)
    return text.strip()


@on_message
async def on_text(message: Message, context: SourcebotContext) -> Outcome | None:
    """Answer a text message: every message in private, mentions and replies in groups."""
    if message.text is None:
        return None
    question = _strip_mention(message) if message.chat.type != ChatType.PRIVATE else message.text
    return await reply_answer(message, context, question, "question")


@on_message
async def on_ask(message: Message, context: SourcebotContext) -> Outcome:
    """Answer /ask <question>."""
    question = " ".join(context.args or [])
    if not question.strip():
        await message.reply_text(esc(context.words(ASK_USAGE)))
        return Outcome("ask-usage")
    return await reply_answer(message, context, question, "ask")


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
