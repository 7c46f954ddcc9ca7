"""A local Telegram Bot API stand-in for end-to-end tests.

This module owns everything a test needs to run the real python-telegram-bot ``Application``
against "Telegram" without the network: an aiohttp server on 127.0.0.1 that speaks the Bot API's
HTTP/JSON (``/bot<token>/<method>``, form, multipart or JSON parameters, ``{"ok": ...}``
envelopes and Telegram's error descriptions), the simulated server state (chats, messages,
the update queue with long polling, bot commands, callback and inline queries, files), the
test-side API to play the user and to await what the bot sent, and fault injection.

Text sent with ``parse_mode=HTML`` is checked by :mod:`tests.telegram_html`, which is stricter
than Telegram in a few documented places so that rendering bugs fail tests.

Not modelled: webhooks (``setWebhook`` answers 404 like any unknown method), Markdown parse
modes (the text is stored as sent), automatic url/hashtag entities in the bot's own messages,
and media sent by the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.telegram_html import TelegramHtmlError, parse_telegram_html, utf16_len

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
    "MalformedJsonFault",
    "RetryAfterFault",
    "SentMessage",
    "UploadedFile",
]

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAStandInTokenForLocalTestsOnly_x0"
DEFAULT_USER_ID = 1001
BOT_USERNAME = "sourcebot_test_bot"

MAX_TEXT_LENGTH = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH, in UTF-16 code units
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50

# Telegram's default when allowed_updates was never given or given as an empty list.
_NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Form fields whose value is a string in the Bot API; every other field is JSON-decoded, because
# PTB JSON-encodes all non-string values (telegram/request/_requestparameter.py::json_value).
_STRING_PARAMS = frozenset(
    [
        "action",
        "callback_query_id",
        "caption",
        "description",
        "emoji",
        "file_id",
        "inline_message_id",
        "inline_query_id",
        "language_code",
        "name",
        "next_offset",
        "parse_mode",
        "query",
        "short_description",
        "text",
        "title",
        "url",
    ]
)

_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)

# An inline keyboard button needs one action besides its label.
_BUTTON_ACTIONS = frozenset(
    [
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ]
)

_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")

_QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


# --- faults ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryAfterFault:
    """Answer 429 "Too Many Requests: retry after N" with parameters.retry_after."""

    retry_after: int = 1


@dataclass(frozen=True)
class HttpErrorFault:
    """Answer with an HTTP error status (500, 502, ...) and a Telegram-style JSON error body."""

    status: int = 500
    description: str | None = None


@dataclass(frozen=True)
class DelayFault:
    """Sleep before handling the call; the call still takes effect, as on a slow Telegram."""

    seconds: float


@dataclass(frozen=True)
class DropConnectionFault:
    """Close the connection without any response; the call has no effect."""


@dataclass(frozen=True)
class MalformedJsonFault:
    """Answer 200 with a body that is not valid JSON; the call has no effect."""


@dataclass(frozen=True)
class DuplicateUpdateFault:
    """Make getUpdates deliver an already delivered update again (the latest one by default)."""

    update_id: int | None = None


Fault = (
    RetryAfterFault
    | HttpErrorFault
    | DelayFault
    | DropConnectionFault
    | MalformedJsonFault
    | DuplicateUpdateFault
)


# --- records returned to tests ---------------------------------------------------------------


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ApiRequest:
    """One request the bot made, with its decoded parameters and the answer it got."""

    method: str
    params: JSONDict
    time: float
    status: int | None  # None when the connection was dropped
    response: JSONDict | None  # None when dropped or the body was not JSON
    fault: Fault | None = None

    @property
    def ok(self) -> bool:
        """Return whether the bot got a successful answer."""
        return self.response is not None and self.response.get("ok") is True

    @property
    def result(self) -> Any:
        """Return the "result" of a successful answer (None otherwise)."""
        return self.response.get("result") if self.response is not None else None


@dataclass(frozen=True)
class SentMessage:
    """A snapshot of a message the bot sent, as it currently stands (edits included)."""

    chat_id: int | None  # None for messages sent via inline mode
    message_id: int | None
    inline_message_id: str | None
    text: str
    entities: tuple[JSONDict, ...]
    source_text: str  # the text parameter as the bot sent it, before entity parsing
    parse_mode: str | None
    reply_markup: JSONDict | None
    edit_date: int | None
    json: JSONDict

    def callback_data(self) -> list[str]:
        """Return the callback_data of every inline keyboard button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [
            button["callback_data"] for row in rows for button in row if "callback_data" in button
        ]


# --- internal state --------------------------------------------------------------------------


class _ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class _StoredMessage:
    json: JSONDict
    from_bot: bool
    source_text: str = ""
    parse_mode: str | None = None
    inline_message_id: str | None = None


@dataclass
class _InlineQuery:
    json: JSONDict
    answered: bool = False
    results: list[JSONDict] = field(default_factory=list)


@dataclass(frozen=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    path: str
    data: bytes


@dataclass(frozen=True)
class _RenderedText:
    text: str
    entities: list[JSONDict]
    source_text: str
    parse_mode: str | None


Handler = Callable[[JSONDict], Awaitable[Any]]


def _bad_request(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


def _json_body(status: int, payload: JSONDict) -> web.Response:
    return web.Response(
        status=status, body=json.dumps(payload).encode(), content_type="application/json"
    )


def _error_payload(error: _ApiError) -> JSONDict:
    payload: JSONDict = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.parameters:
        payload["parameters"] = error.parameters
    return payload


def _decode_param(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _update_kind(update: JSONDict) -> str:
    return next(key for key in update if key != "update_id")


def _auto_entities(text: str) -> list[JSONDict]:
    """Return the bot_command and mention entities a Telegram client attaches to text."""
    entities: list[JSONDict] = []
    command = _BOT_COMMAND.match(text)
    command_end = 0
    if command:
        command_end = command.end()
        entities.append({"offset": 0, "length": utf16_len(command.group()), "type": "bot_command"})
    for mention in _MENTION.finditer(text, command_end):
        entities.append(
            {
                "offset": utf16_len(text[: mention.start()]),
                "length": utf16_len(mention.group()),
                "type": "mention",
            }
        )
    return entities


class BotApiStandin:
    """A Telegram Bot API server on 127.0.0.1 for one bot token; use as an async context manager.

    Point PTB at it with ``ApplicationBuilder().token(standin.token)
    .base_url(standin.base_url).base_file_url(standin.base_file_url)``.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = "SourceBot",
        privacy_mode: bool = True,
    ) -> None:
        self.token = token
        self.privacy_mode = privacy_mode
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 123456789
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": not privacy_mode,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._changed = asyncio.Condition()
        self._stopping = asyncio.Event()

        self._requests: list[ApiRequest] = []
        self._faults: dict[str, deque[Fault]] = {}

        self._next_update_id = 10_000
        self._queue: list[JSONDict] = []  # delivered or not, until confirmed by an offset
        self._delivered: dict[int, JSONDict] = {}
        self._injected: dict[int, JSONDict] = {}
        self._withheld: list[JSONDict] = []
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0

        self._chats: dict[int, JSONDict] = {}
        self._blocked: set[int] = set()
        self._messages: dict[tuple[int, int], _StoredMessage] = {}
        self._last_message_id: dict[int, int] = {}
        self._inline_messages: dict[str, _StoredMessage] = {}
        self._callback_queries: dict[str, bool] = {}
        self._inline_queries: dict[str, _InlineQuery] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._ids = itertools.count(1)

        methods: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
            "close": self._true,
            "logOut": self._true,
        }
        self._handlers = {name.lower(): (name, handler) for name, handler in methods.items()}

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on a free port of 127.0.0.1."""
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Answer pending long polls and delayed calls, then stop the server."""
        self._stopping.set()
        async with self._changed:
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Return the server's root URL, e.g. http://127.0.0.1:PORT."""
        if self._port is None:
            raise RuntimeError("the Bot API stand-in is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """Return the value for ApplicationBuilder.base_url."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """Return the value for ApplicationBuilder.base_file_url."""
        return f"{self.url}/file/bot"

    # --- faults and test-side inspection -----------------------------------------------------

    def fail_next(self, method: str, fault: Fault, *, times: int = 1) -> None:
        """Apply fault to the next `times` calls of method (after any faults already queued)."""
        self._faults.setdefault(method.lower(), deque()).extend([fault] * times)

    def block(self, chat_id: int) -> None:
        """Make the user of a private chat block the bot: sends answer 403 from now on."""
        self._blocked.add(chat_id)

    @property
    def requests(self) -> list[ApiRequest]:
        """Return every request answered so far, oldest first."""
        return list(self._requests)

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiRequest], bool] | None = None,
        *,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[ApiRequest]:
        """Wait until `count` answered requests of method match predicate; return the first ones.

        Raises TimeoutError naming what was seen instead.
        """
        wanted = method.lower()

        def matches() -> list[ApiRequest]:
            return [
                request
                for request in self._requests
                if request.method.lower() == wanted and (predicate is None or predicate(request))
            ]

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self._changed:
            while len(found := matches()) < count:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    seen = [r.method for r in self._requests if r.method != "getUpdates"]
                    raise TimeoutError(
                        f"waited {timeout}s for {count} matching {method} request(s), "
                        f"found {len(found)}; other requests: {seen}"
                    )
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue
            return found[:count]

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Return the bot's messages in a chat as they currently stand, oldest first."""
        stored = [
            (message_id, message)
            for (chat, message_id), message in self._messages.items()
            if chat == chat_id and message.from_bot
        ]
        return [self._snapshot(message) for _, message in sorted(stored, key=lambda m: m[0])]

    def inline_messages(self) -> list[SentMessage]:
        """Return the messages users sent via the bot's inline mode, oldest first."""
        return [self._snapshot(message) for message in self._inline_messages.values()]

    def update(self, update_id: int) -> JSONDict:
        """Return a copy of an injected update, e.g. to read the message_id it carried."""
        return copy.deepcopy(self._injected[update_id])

    @property
    def pending_update_count(self) -> int:
        """Return how many updates getUpdates has not had confirmed yet."""
        return len(self._queue)

    @property
    def withheld_updates(self) -> list[JSONDict]:
        """Return group messages that privacy mode kept from the bot, oldest first."""
        return copy.deepcopy(self._withheld)

    # --- playing the user --------------------------------------------------------------------

    async def send_text(
        self,
        text: str,
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        entities: list[JSONDict] | None = None,
        reply_to_message_id: int | None = None,
        username: str | None = "tester",
    ) -> int:
        """Queue a text message from a user; return its update_id.

        Without explicit entities, a leading /command gets a bot_command entity and @names get
        mention entities, as Telegram clients do.
        """
        content: JSONDict = {"text": text}
        found = _auto_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        return await self._user_message(
            content,
            chat_id=chat_id,
            user_id=user_id,
            chat_type=chat_type,
            username=username,
            reply_to_message_id=reply_to_message_id,
        )

    async def send_photo(
        self,
        *,
        caption: str | None = None,
        data: bytes = b"\xff\xd8\xff\xe0stand-in jpeg",
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = "tester",
    ) -> int:
        """Queue a photo message (three sizes, the largest backed by data); return its update_id."""
        sizes = []
        for width, height in ((90, 60), (320, 213), (1280, 853)):
            stored = self._store_file("photos", "jpg", data)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": len(data),
                }
            )
        content: JSONDict = {"photo": sizes}
        self._add_caption(content, caption)
        return await self._user_message(
            content, chat_id=chat_id, user_id=user_id, chat_type=chat_type, username=username
        )

    async def send_sticker(
        self,
        *,
        emoji: str = "👍",
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = "tester",
    ) -> int:
        """Queue a regular static sticker; return its update_id."""
        stored = self._store_file("stickers", "webp", b"RIFF\x00\x00\x00\x00WEBP")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "StandInStickers",
            "file_size": len(stored.data),
        }
        return await self._user_message(
            {"sticker": sticker},
            chat_id=chat_id,
            user_id=user_id,
            chat_type=chat_type,
            username=username,
        )

    async def send_location(
        self,
        latitude: float,
        longitude: float,
        *,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = "tester",
    ) -> int:
        """Queue a location message; return its update_id."""
        location = {"latitude": latitude, "longitude": longitude}
        return await self._user_message(
            {"location": location},
            chat_id=chat_id,
            user_id=user_id,
            chat_type=chat_type,
            username=username,
        )

    async def send_voice(
        self,
        *,
        duration: int = 3,
        data: bytes = b"OggS\x00stand-in voice",
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = "tester",
    ) -> int:
        """Queue a voice message backed by data; return its update_id."""
        stored = self._store_file("voice", "oga", data)
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(data),
        }
        return await self._user_message(
            {"voice": voice},
            chat_id=chat_id,
            user_id=user_id,
            chat_type=chat_type,
            username=username,
        )

    async def send_document(
        self,
        *,
        file_name: str = "notes.txt",
        data: bytes = b"stand-in document\n",
        mime_type: str = "text/plain",
        caption: str | None = None,
        chat_id: int | None = None,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = "tester",
    ) -> int:
        """Queue a document message backed by data (downloadable via getFile); return update_id."""
        stored = self._store_file("documents", file_name.rpartition(".")[2] or "bin", data)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        content: JSONDict = {"document": document}
        self._add_caption(content, caption)
        return await self._user_message(
            content, chat_id=chat_id, user_id=user_id, chat_type=chat_type, username=username
        )

    async def send_edited_text(
        self, text: str, *, chat_id: int, message_id: int, entities: list[JSONDict] | None = None
    ) -> int:
        """Queue an edited_message: the user changes the text of one of their messages."""
        stored = self._messages.get((chat_id, message_id))
        if stored is None or stored.from_bot or "text" not in stored.json:
            raise ValueError(f"no text message from a user with id {message_id} in chat {chat_id}")
        stored.json["text"] = text
        stored.json.pop("entities", None)
        found = _auto_entities(text) if entities is None else entities
        if found:
            stored.json["entities"] = found
        stored.json["edit_date"] = int(time.time())
        return await self._enqueue("edited_message", copy.deepcopy(stored.json))

    async def send_callback(
        self,
        data: str,
        *,
        message: SentMessage,
        user_id: int = DEFAULT_USER_ID,
        username: str | None = "tester",
    ) -> int:
        """Queue a callback_query: the user presses a button carrying data on a bot message."""
        query: JSONDict = {
            "id": str(self.bot_user["id"] * 1000 + next(self._ids)),
            "from": self._user_json(user_id, username),
            "chat_instance": str(-(abs(hash((message.chat_id, user_id))) % 10**18)),
            "data": data,
        }
        if message.inline_message_id is not None:
            query["inline_message_id"] = message.inline_message_id
        else:
            stored = self._messages.get((message.chat_id or 0, message.message_id or 0))
            if stored is None:
                raise ValueError(f"message {message.message_id} is not in the stand-in")
            query["message"] = copy.deepcopy(stored.json)
        self._callback_queries[query["id"]] = False
        return await self._enqueue("callback_query", query)

    async def send_inline_query(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        username: str | None = "tester",
        offset: str = "",
        chat_type: str = "sender",
    ) -> int:
        """Queue an inline_query: the user types "@bot query" in some chat."""
        inline_query: JSONDict = {
            "id": str(self.bot_user["id"] * 1000 + next(self._ids)),
            "from": self._user_json(user_id, username),
            "query": query,
            "offset": offset,
            "chat_type": chat_type,
        }
        self._inline_queries[inline_query["id"]] = _InlineQuery(inline_query)
        return await self._enqueue("inline_query", copy.deepcopy(inline_query))

    async def choose_inline_result(self, result_id: str, *, query_id: str | None = None) -> int:
        """Send a result of an answered inline query as a message; queue chosen_inline_result.

        Defaults to the most recently answered query. The message is listed by
        inline_messages(); like Telegram, the update carries its inline_message_id only when the
        result has an inline keyboard.
        """
        if query_id is None:
            answered = [q for q in self._inline_queries.values() if q.answered]
            query = answered[-1] if answered else None
        else:
            query = self._inline_queries.get(query_id)
        if query is None or not query.answered:
            raise ValueError("no answered inline query to choose a result from")
        result = next((r for r in query.results if r.get("id") == result_id), None)
        content = (result or {}).get("input_message_content", {})
        if result is None or "message_text" not in content:
            raise ValueError(f"no text result {result_id!r} in the answer to the inline query")
        rendered = self._render_text(content, "message_text", "entities")
        inline_message_id = f"AAAA{next(self._ids):08d}standin"
        message: JSONDict = {"text": rendered.text}
        if rendered.entities:
            message["entities"] = rendered.entities
        if result.get("reply_markup"):
            message["reply_markup"] = result["reply_markup"]
        self._inline_messages[inline_message_id] = _StoredMessage(
            message, True, rendered.source_text, rendered.parse_mode, inline_message_id
        )
        chosen: JSONDict = {
            "result_id": result_id,
            "from": query.json["from"],
            "query": query.json["query"],
        }
        if "reply_markup" in message:
            chosen["inline_message_id"] = inline_message_id
        return await self._enqueue("chosen_inline_result", chosen)

    # --- helpers for injected updates --------------------------------------------------------

    def _user_json(self, user_id: int, username: str | None) -> JSONDict:
        user: JSONDict = {
            "id": user_id,
            "is_bot": False,
            "first_name": "Test",
            "last_name": f"User{user_id}",
            "language_code": "en",
        }
        if username:
            user["username"] = username
        return user

    def _chat_json(
        self, chat_id: int | None, chat_type: str, user: JSONDict
    ) -> tuple[int, JSONDict]:
        if chat_type == "private":
            resolved = user["id"] if chat_id is None else chat_id
            chat = {k: v for k, v in user.items() if k in ("first_name", "last_name", "username")}
            return resolved, {"id": resolved, "type": "private", **chat}
        if chat_type not in ("group", "supergroup"):
            raise ValueError(f"chat_type must be private, group or supergroup, not {chat_type!r}")
        if chat_id is None or chat_id >= 0:
            raise ValueError("a group chat needs a negative chat_id")
        return chat_id, {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def _add_caption(self, content: JSONDict, caption: str | None) -> None:
        if caption is not None:
            content["caption"] = caption
            if entities := _auto_entities(caption):
                content["caption_entities"] = entities

    def _store_file(self, folder: str, extension: str, data: bytes) -> _StoredFile:
        number = next(self._ids)
        stored = _StoredFile(
            file_id=f"BQACAgIAAxkBAAI{number:06d}StandIn{len(data)}",
            file_unique_id=f"AgAD{number:04d}",
            path=f"{folder}/file_{number}.{extension}",
            data=data,
        )
        self._files[stored.file_id] = stored
        return stored

    async def _user_message(
        self,
        content: JSONDict,
        *,
        chat_id: int | None,
        user_id: int,
        chat_type: str,
        username: str | None,
        reply_to_message_id: int | None = None,
    ) -> int:
        user = self._user_json(user_id, username)
        resolved, chat = self._chat_json(chat_id, chat_type, user)
        self._chats[resolved] = chat
        message: JSONDict = {
            "message_id": self._next_message_id(resolved),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        if reply_to_message_id is not None:
            replied = self._messages.get((resolved, reply_to_message_id))
            if replied is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {resolved}")
            message["reply_to_message"] = self._without_reply(replied.json)
        self._messages[(resolved, message["message_id"])] = _StoredMessage(message, False)
        if chat_type != "private" and self.privacy_mode and not self._visible_in_group(message):
            return self._withhold("message", copy.deepcopy(message))
        return await self._enqueue("message", copy.deepcopy(message))

    def _visible_in_group(self, message: JSONDict) -> bool:
        """Apply privacy mode: commands for this bot, mentions of it, and replies to it."""
        username = self.bot_user["username"].lower()
        text = message.get("text") or message.get("caption") or ""
        command = _BOT_COMMAND.match(text)
        if command and command.group().partition("@")[2].lower() in ("", username):
            return True
        if any(m.group().lower() == f"@{username}" for m in _MENTION.finditer(text)):
            return True
        replied = message.get("reply_to_message", {}).get("from", {})
        return bool(replied.get("id") == self.bot_user["id"])

    def _withhold(self, kind: str, payload: JSONDict) -> int:
        update_id = self._new_update_id()
        update = {"update_id": update_id, kind: payload}
        self._injected[update_id] = update
        self._withheld.append(update)
        return update_id

    def _new_update_id(self) -> int:
        self._next_update_id += 1
        return self._next_update_id

    async def _enqueue(self, kind: str, payload: JSONDict) -> int:
        update_id = self._new_update_id()
        update = {"update_id": update_id, kind: payload}
        self._injected[update_id] = copy.deepcopy(update)
        async with self._changed:
            self._queue.append(update)
            self._changed.notify_all()
        return update_id

    @staticmethod
    def _without_reply(message: JSONDict) -> JSONDict:
        # Telegram does not nest reply_to_message more than one level deep.
        return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}

    def _snapshot(self, stored: _StoredMessage) -> SentMessage:
        message = copy.deepcopy(stored.json)
        return SentMessage(
            chat_id=message["chat"]["id"] if "chat" in message else None,
            message_id=message.get("message_id"),
            inline_message_id=stored.inline_message_id,
            text=message.get("text", ""),
            entities=tuple(message.get("entities", [])),
            source_text=stored.source_text,
            parse_mode=stored.parse_mode,
            reply_markup=message.get("reply_markup"),
            edit_date=message.get("edit_date"),
            json=message,
        )

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        method, handler = self._handlers.get(name.lower(), (name, None))
        started = time.time()
        try:
            params = await self._read_params(request)
        except _ApiError as error:
            return await self._answer_error(method, {}, started, error, None)
        if request.match_info["token"] != self.token:
            return await self._answer_error(
                method, params, started, _ApiError(401, "Unauthorized"), None
            )

        fault = self._next_fault(method)
        if isinstance(fault, DropConnectionFault):
            await self._record(ApiRequest(method, params, started, None, None, fault))
            if request.transport is not None:
                request.transport.abort()
            return web.Response()
        if isinstance(fault, DelayFault):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), fault.seconds)
        if isinstance(fault, MalformedJsonFault):
            await self._record(ApiRequest(method, params, started, 200, None, fault))
            return web.Response(body=b'{"ok": true, "result": ', content_type="application/json")
        if isinstance(fault, RetryAfterFault):
            too_many = _ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
            return await self._answer_error(method, params, started, too_many, fault)
        if isinstance(fault, HttpErrorFault):
            failed = _ApiError(fault.status, fault.description or HTTPStatus(fault.status).phrase)
            return await self._answer_error(method, params, started, failed, fault)

        try:
            if handler is None:
                raise _ApiError(404, "Not Found")
            if isinstance(fault, DuplicateUpdateFault) and handler == self._get_updates:
                result = await self._get_updates(params, duplicate=fault)
            else:
                result = await handler(params)
        except _ApiError as error:
            return await self._answer_error(method, params, started, error, fault)
        except (ValueError, TypeError) as exc:
            # A parameter of the wrong type or shape, which Telegram also answers with 400.
            invalid = _bad_request(f"invalid parameters ({type(exc).__name__}: {exc})")
            return await self._answer_error(method, params, started, invalid, fault)
        payload = {"ok": True, "result": result}
        await self._record(ApiRequest(method, params, started, 200, payload, fault))
        return _json_body(200, payload)

    async def _answer_error(
        self, method: str, params: JSONDict, started: float, error: _ApiError, fault: Fault | None
    ) -> web.Response:
        payload = _error_payload(error)
        await self._record(ApiRequest(method, params, started, error.status, payload, fault))
        return _json_body(error.status, payload)

    async def _record(self, record: ApiRequest) -> None:
        async with self._changed:
            self._requests.append(record)
            self._changed.notify_all()

    def _next_fault(self, method: str) -> Fault | None:
        queued = self._faults.get(method.lower())
        return queued.popleft() if queued else None

    async def _read_params(self, request: web.Request) -> JSONDict:
        raw: JSONDict = dict(request.query)
        if request.body_exists:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _bad_request("can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise _bad_request("JSON object expected")
                raw.update(body)
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                for key, value in (await request.post()).items():
                    if isinstance(value, web.FileField):
                        raw[key] = UploadedFile(
                            value.filename, value.content_type, value.file.read()
                        )
                    else:
                        raw[key] = value
        return {key: _decode_param(key, value) for key, value in raw.items()}

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _json_body(401, _error_payload(_ApiError(401, "Unauthorized")))
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f.path == path), None)
        if stored is None:
            return _json_body(404, _error_payload(_ApiError(404, "Not Found")))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # --- parameter checks shared by methods --------------------------------------------------

    def _chat(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        chat = None
        if isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next(
                (c for c in self._chats.values() if f"@{c.get('username')}" == chat_id), None
            )
        if chat is None:
            raise _bad_request("chat not found")
        if chat["id"] in self._blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _render_text(self, params: JSONDict, text_key: str, entities_key: str) -> _RenderedText:
        """Turn text and parse_mode into what Telegram stores, with Telegram's errors."""
        source = params.get(text_key)
        if source is None or source == "":
            raise _bad_request("message text is empty")
        source = str(source)
        parse_mode = params.get("parse_mode") or None
        entities: list[JSONDict] = []
        if parse_mode is None:
            text = source
            given = params.get(entities_key)
            entities = given if isinstance(given, list) else []
        elif str(parse_mode).lower() == "html":
            try:
                parsed = parse_telegram_html(source)
            except TelegramHtmlError as exc:
                raise _bad_request(f"can't parse entities: {exc}") from None
            text, entities = parsed.text, parsed.entities_json()
        elif str(parse_mode).lower() in ("markdown", "markdownv2"):
            text = source
        else:
            raise _bad_request("unsupported parse_mode")
        if not text.strip():
            raise _bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        return _RenderedText(text, entities, source, parse_mode)

    @staticmethod
    def _inline_keyboard(markup: Any) -> JSONDict | None:
        """Validate reply_markup; return it if it is an inline keyboard, which messages carry."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in (button for row in rows for button in row):
            if not isinstance(button, dict) or not button.get("text"):
                raise _bad_request("can't parse inline keyboard button: text is empty")
            if not _BUTTON_ACTIONS & button.keys():
                raise _bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad_request("BUTTON_DATA_INVALID")
        return markup

    # --- Bot API methods ---------------------------------------------------------------------

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return dict(self.bot_user)

    async def _get_updates(
        self, params: JSONDict, duplicate: DuplicateUpdateFault | None = None
    ) -> list[JSONDict]:
        offset = int(params.get("offset", 0))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(float(params.get("timeout", 0)), 0.0)
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self._changed:
            self._confirm(offset)
            self._poll_generation += 1
            generation = self._poll_generation
            self._changed.notify_all()  # an older long poll now answers 409
            while True:
                if generation != self._poll_generation:
                    raise _ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                batch = self._deliverable(limit)
                remaining = deadline - loop.time()
                if batch or duplicate or remaining <= 0 or self._stopping.is_set():
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
        if duplicate is not None:
            again = self._delivered.get(duplicate.update_id or max(self._delivered, default=0))
            if again is not None:
                batch = [copy.deepcopy(again), *batch]
        for update in batch:
            self._delivered[update["update_id"]] = update
        return copy.deepcopy(batch)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._queue = [u for u in self._queue if u["update_id"] >= offset]
        elif offset < 0:
            self._queue = self._queue[offset:]

    def _deliverable(self, limit: int) -> list[JSONDict]:
        def allowed(update: JSONDict) -> bool:
            kind = _update_kind(update)
            if self._allowed_updates is None:
                return kind not in _NOT_DELIVERED_BY_DEFAULT
            return kind in self._allowed_updates

        # Updates of types the bot did not ask for are never created by Telegram.
        self._queue = [update for update in self._queue if allowed(update)]
        return self._queue[:limit]

    async def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code", ""))

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_NAME.fullmatch(
                str(command.get("command", ""))
            ):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return copy.deepcopy(self._commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        rendered = self._render_text(params, "text", "entities")
        keyboard = self._inline_keyboard(params.get("reply_markup"))
        message: JSONDict = {
            "message_id": self._next_message_id(chat["id"]),
            "from": dict(self.bot_user),
            "chat": dict(chat),
            "date": int(time.time()),
            "text": rendered.text,
        }
        if rendered.entities:
            message["entities"] = rendered.entities
        if (replied := self._replied_message(chat["id"], params)) is not None:
            message["reply_to_message"] = self._without_reply(replied.json)
        if keyboard is not None:
            message["reply_markup"] = keyboard
        self._messages[(chat["id"], message["message_id"])] = _StoredMessage(
            message, True, rendered.source_text, rendered.parse_mode
        )
        return copy.deepcopy(message)

    def _replied_message(self, chat_id: int, params: JSONDict) -> _StoredMessage | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id, lenient = reply.get("message_id"), reply.get("allow_sending_without_reply")
        else:
            message_id = params.get("reply_to_message_id")
            lenient = params.get("allow_sending_without_reply")
        if message_id is None:
            return None
        replied = self._messages.get((chat_id, int(message_id)))
        if replied is None and not lenient:
            raise _bad_request("message to be replied not found")
        return replied

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        inline_message_id = params.get("inline_message_id")
        if inline_message_id:
            stored = self._inline_messages.get(str(inline_message_id))
            if stored is None:
                raise _bad_request("MESSAGE_ID_INVALID")
        else:
            chat = self._chat(params)
            if params.get("message_id") is None:
                raise _bad_request("message identifier is not specified")
            stored = self._messages.get((chat["id"], int(params["message_id"])))
            if stored is None:
                raise _bad_request("message to edit not found")
            if not stored.from_bot:
                raise _bad_request("message can't be edited")
        rendered = self._render_text(params, "text", "entities")
        keyboard = self._inline_keyboard(params.get("reply_markup"))
        message = stored.json
        if (
            message.get("text") == rendered.text
            and message.get("entities", []) == rendered.entities
            and message.get("reply_markup") == keyboard
        ):
            raise _bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        message["text"] = rendered.text
        message.pop("entities", None)
        message.pop("reply_markup", None)
        if rendered.entities:
            message["entities"] = rendered.entities
        if keyboard is not None:
            message["reply_markup"] = keyboard
        message["edit_date"] = int(time.time())
        stored.source_text, stored.parse_mode = rendered.source_text, rendered.parse_mode
        return True if inline_message_id else copy.deepcopy(message)

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if self._callback_queries.get(query_id, True):
            raise _bad_request(_QUERY_INVALID.removeprefix("Bad Request: "))
        self._callback_queries[query_id] = True
        return True

    async def _answer_inline_query(self, params: JSONDict) -> bool:
        query = self._inline_queries.get(str(params.get("inline_query_id", "")))
        if query is None or query.answered:
            raise _bad_request(_QUERY_INVALID.removeprefix("Bad Request: "))
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            result_id = str(result.get("id", "")) if isinstance(result, dict) else ""
            if not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise _bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise _bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                self._render_text(content, "message_text", "entities")
            self._inline_keyboard(result.get("reply_markup"))
        query.answered = True
        query.results = copy.deepcopy(results)
        return True

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self._chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    async def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.path,
        }
