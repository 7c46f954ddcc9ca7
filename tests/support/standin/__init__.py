"""A local Telegram Bot API stand-in for end-to-end tests.

Everything a test needs to run the real python-telegram-bot ``Application`` against
"Telegram" without the network: the HTTP server (server.py) that speaks the Bot API's
HTTP/JSON, the simulated Telegram (state.py: chats, messages, replies and the quotes in them,
the update queue with long polling, commands, callback and inline queries, files; the user's
side and what tests inspect), the records and wire conventions they share (records.py), and
fault injection (faults.py).

Not modelled: webhooks (``setWebhook`` answers 404 like any unknown method), Markdown parse
modes (the text is stored as sent), automatic url/hashtag entities in the bot's own messages,
and media sent by the bot.
"""

from __future__ import annotations

from tests.support.standin.faults import (
    DelayFault,
    DropConnectionFault,
    DuplicateUpdateFault,
    Fault,
    HttpErrorFault,
    LostAnswerFault,
    MalformedJsonFault,
    RetryAfterFault,
    TrickleFault,
)
from tests.support.standin.records import (
    DEFAULT_TOKEN,
    DEFAULT_USER_ID,
    ApiRequest,
    SentMessage,
    UploadedFile,
)
from tests.support.standin.server import BotApiStandin

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "ApiRequest",
    "BotApiStandin",
    "DelayFault",
    "DropConnectionFault",
    "DuplicateUpdateFault",
    "Fault",
    "HttpErrorFault",
    "LostAnswerFault",
    "MalformedJsonFault",
    "RetryAfterFault",
    "SentMessage",
    "TrickleFault",
    "UploadedFile",
]
