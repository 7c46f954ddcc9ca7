"""The commands everyone has: /start, /help, /sources, /summary, and the replies to
commands the bot does not know and to messages that are not text."""

from __future__ import annotations

from telegram import Message
from telegram.constants import ChatType
from telegram.ext import filters

from bot import wording as w
from bot.context import SourcebotContext
from bot.handlers.base import Outcome, on_message
from bot.keyboards import example_keyboard, sources_keyboard
from bot.render_html import esc, render_help, render_sources, render_start, render_summary


@on_message
async def on_start(message: Message, context: SourcebotContext) -> Outcome:
    """Say what the bot knows, how to ask, and offer an example question."""
    library = context.library
    example = library.example_question()
    words = context.words
    await message.reply_text(
        render_start(library.sources, example, words),
        reply_markup=example_keyboard(example, words),
    )
    return Outcome("start")


@on_message
async def on_help(message: Message, context: SourcebotContext) -> Outcome:
    """List every command with one line each."""
    await message.reply_text(render_help(context.words))
    return Outcome("help")


@on_message
async def on_sources(message: Message, context: SourcebotContext) -> Outcome:
    """List the sources with a summary button for each."""
    library = context.library
    words = context.words
    await message.reply_text(
        render_sources(library.source_rows(), words),
        reply_markup=sources_keyboard(library.sources, words),
    )
    return Outcome("sources")


@on_message
async def on_summary(message: Message, context: SourcebotContext) -> Outcome:
    """Summarise all sources, one source (number, file or title words), a topic, or a topic
    within one source (/summary 2 sanctions)."""
    library = context.library
    words = context.words
    arg = " ".join(context.args or []).strip()
    request = library.resolve_summary(arg)
    if request.problem == "no-source":
        ref = arg.split(maxsplit=1)[0]
        await message.reply_text(esc(w.no_source(ref, len(library.sources), w.TELEGRAM, words)))
        return Outcome("summary-usage")
    if request.problem is not None:
        await message.reply_text(esc(w.summary_usage(w.TELEGRAM, words)))
        return Outcome("summary-usage")
    summary = await context.state.lanes.answers.run(
        library.summarize, request.source, request.topic
    )
    talk = context.state.conversations
    await message.reply_text(render_summary(summary, talk.referenced(message.chat_id), words))
    talk.note_cited(message.chat_id, dict.fromkeys(s.source for s in summary.sentences))
    return Outcome("summary", size=len(arg), found=bool(summary.sentences))


class ForThisBot(filters.MessageFilter):
    """Commands meant for this bot: /x@thisbot anywhere, and a bare /x in a private chat (a
    bare unknown command in a group is probably another bot's)."""

    def filter(self, message: Message) -> bool:
        if not message.text:
            return False
        _, _, target = message.text.split()[0].partition("@")
        if target:
            return target.casefold() == (message.get_bot().username or "").casefold()
        return message.chat.type == ChatType.PRIVATE


@on_message
async def on_unknown_command(message: Message, context: SourcebotContext) -> Outcome:
    """Point to /help for a command this bot does not have (ForThisBot keeps other bots')."""
    command = (message.text or "").split()[0]
    await message.reply_text(esc(context.words(w.UNKNOWN_COMMAND, command=command)))
    return Outcome("unknown-command")


@on_message
async def on_other(message: Message, context: SourcebotContext) -> Outcome:
    """Answer photos, stickers, voice, files, locations... with what the bot can do."""
    await message.reply_text(esc(context.words(w.NOT_TEXT)))
    return Outcome("not-text")
