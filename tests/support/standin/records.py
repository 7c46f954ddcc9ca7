"""What the stand-in stores and hands to tests: requests, sent messages, files; the Bot API's
limits and wire conventions (which parameters are strings, error envelopes, entities a
client attaches); shared by its state (state.py) and its server (server.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.support.standin.faults import Fault
from tests.support.telegram_html import TelegramHtmlError, parse_telegram_html, utf16_len

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAStandInTokenForLocalTestsOnly_x0"
DEFAULT_USER_ID = 1001
BOT_USERNAME = "sourcebot_test_bot"

MAX_TEXT_LENGTH = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH, in UTF-16 code units
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50

# Telegram's default when allowed_updates was never given or given as an empty list.
NOT_DELIVERED_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Form fields whose value is a string in the Bot API; every other field is JSON-decoded, because
# PTB JSON-encodes all non-string values (telegram/request/_requestparameter.py::json_value).
STRING_PARAMS = frozenset(
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

CHAT_ACTIONS = frozenset(
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
BUTTON_ACTIONS = frozenset(
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

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
BOT_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")

QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
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


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


@dataclass
class StoredMessage:
    json: JSONDict
    from_bot: bool
    source_text: str = ""
    parse_mode: str | None = None
    inline_message_id: str | None = None


@dataclass
class InlineQueryState:
    json: JSONDict
    answered: bool = False
    results: list[JSONDict] = field(default_factory=list)


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    path: str
    data: bytes


@dataclass(frozen=True)
class RenderedText:
    text: str
    entities: list[JSONDict]
    source_text: str
    parse_mode: str | None


Handler = Callable[[JSONDict], Awaitable[Any]]


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def json_body(status: int, payload: JSONDict) -> web.Response:
    return web.Response(
        status=status, body=json.dumps(payload).encode(), content_type="application/json"
    )


def error_payload(error: ApiError) -> JSONDict:
    payload: JSONDict = {
        "ok": False,
        "error_code": error.status,
        "description": error.description,
    }
    if error.parameters:
        payload["parameters"] = error.parameters
    return payload


def decode_param(name: str, value: Any) -> Any:
    if not isinstance(value, str) or name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def update_kind(update: JSONDict) -> str:
    return next(key for key in update if key != "update_id")


def auto_entities(text: str) -> list[JSONDict]:
    """Return the bot_command and mention entities a Telegram client attaches to text."""
    entities: list[JSONDict] = []
    command = BOT_COMMAND.match(text)
    command_end = 0
    if command:
        command_end = command.end()
        entities.append({"offset": 0, "length": utf16_len(command.group()), "type": "bot_command"})
    for mention in MENTION.finditer(text, command_end):
        entities.append(
            {
                "offset": utf16_len(text[: mention.start()]),
                "length": utf16_len(mention.group()),
                "type": "mention",
            }
        )
    return entities


def render_text(params: JSONDict, text_key: str, entities_key: str) -> RenderedText:
    """Turn text and parse_mode into what Telegram stores, with Telegram's errors."""
    source = params.get(text_key)
    if source is None or source == "":
        raise bad_request("message text is empty")
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
            raise bad_request(f"can't parse entities: {exc}") from None
        text, entities = parsed.text, parsed.entities_json()
    elif str(parse_mode).lower() in ("markdown", "markdownv2"):
        text = source
    else:
        raise bad_request("unsupported parse_mode")
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return RenderedText(text, entities, source, parse_mode)


def text_quote(replied: JSONDict, quote: str, *, manual: bool) -> JSONDict:
    """Return the TextQuote of `quote` in a replied message: its text and position (UTF-16).

    Telegram only lets a reply quote text that stands in the replied message; anything else
    is refused with QUOTE_TEXT_INVALID (a ValueError here, an ApiError for the bot's sends).
    """
    text = str(replied.get("text") or replied.get("caption") or "")
    at = text.find(quote) if quote.strip() else -1
    if at < 0:
        raise ValueError("QUOTE_TEXT_INVALID")
    return {"text": quote, "position": utf16_len(text[:at]), "is_manual": manual}
