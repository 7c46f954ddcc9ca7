"""Every handler, registered in one place; order matters and is stated here.

Group -1: the access gate (handlers/access.py) sees every update first and stops
duplicates, outsiders and floods. Group 0, first match wins:
  1. the commands (/start /help /sources /summary /ask, then the admins' /reload /stats
     /remove);
  2. any other command meant for this bot: "I don't know /x" (before text, which excludes
     commands anyway);
  3. text: a question in private chats, and in groups when addressed to the bot;
  4. a file (a document) in a private chat: a new source from an uploader, one polite
     line to anyone else (handlers/uploads.py);
  5. anything else that is not a service message: "I can only read text";
  6. button presses, one handler a payload kind by its prefix, then a catch-all for
     presses nobody reads (answered as stale, so no button spins);
  7. inline queries.
Edited messages are ignored: only new messages (UpdateType.MESSAGE) reach the handlers.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import payloads as pl
from bot.context import App
from bot.handlers import access, admin, buttons, commands, errors, inline, questions, uploads
from bot.handlers.access import GATE_GROUP
from bot.handlers.base import Callback, stale_button

COMMAND_HANDLERS: tuple[tuple[str, Callback], ...] = (
    ("start", commands.on_start),
    ("help", commands.on_help),
    ("sources", commands.on_sources),
    ("summary", commands.on_summary),
    ("ask", questions.on_ask),
    ("reload", admin.on_reload),
    ("stats", admin.on_stats),
    ("remove", uploads.on_remove),
)
BUTTON_HANDLERS: tuple[tuple[type[pl.Payload], Callback], ...] = (
    (pl.More, buttons.on_more),
    (pl.FromSource, buttons.on_more_from_source),
    (pl.Context, buttons.on_context),
    (pl.SourceSummary, buttons.on_source_summary),
    (pl.Example, buttons.on_example),
    (pl.Vote, buttons.on_vote),
    (pl.Remove, uploads.on_remove_confirmed),
)


def register(app: App) -> None:
    """Add every handler and the error handler to the application, in order."""
    app.add_handler(TypeHandler(Update, access.gate), group=GATE_GROUP)
    new = filters.UpdateType.MESSAGE  # edited messages are ignored
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    addressed = questions.AddressedToBot()
    text = filters.TEXT & ~filters.COMMAND
    others = ~filters.TEXT & ~filters.StatusUpdate.ALL
    for command, callback in COMMAND_HANDLERS:
        app.add_handler(CommandHandler(command, callback, filters=new))
    for_us = commands.ForThisBot()
    app.add_handler(MessageHandler(new & filters.COMMAND & for_us, commands.on_unknown_command))
    app.add_handler(MessageHandler(new & private & text, questions.on_text))
    app.add_handler(MessageHandler(new & groups & text & addressed, questions.on_text))
    app.add_handler(MessageHandler(new & private & filters.Document.ALL, uploads.on_document))
    app.add_handler(MessageHandler(new & private & others, commands.on_other))
    app.add_handler(MessageHandler(new & groups & others & addressed, commands.on_other))
    for kind, callback in BUTTON_HANDLERS:
        app.add_handler(CallbackQueryHandler(callback, pattern=pl.pattern(kind)))
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_handler(InlineQueryHandler(inline.on_inline_query))
    app.add_error_handler(errors.on_error)
