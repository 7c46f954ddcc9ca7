"""The stand-in's simulated Telegram: its state, the user's side, and what tests inspect.

Chats and messages, the update queue (delivered until confirmed by an offset), files,
commands, callback and inline queries; methods to play the user (send a text, a photo, a
callback, an inline query ...) and to await and read what the bot did. The HTTP side that
answers the bot's calls is server.py.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
from collections import deque
from collections.abc import Callable

from tests.support.standin.faults import Fault
from tests.support.standin.records import (
    BOT_COMMAND,
    BOT_USERNAME,
    DEFAULT_TOKEN,
    DEFAULT_USER_ID,
    MENTION,
    ApiRequest,
    InlineQueryState,
    JSONDict,
    SentMessage,
    StoredFile,
    StoredMessage,
    auto_entities,
    render_text,
    text_quote,
)


class StandinState:
    """The simulated Telegram: chats, messages, the update queue, requests seen; the user's
    side (sending messages, pressing buttons, inline queries) and what tests inspect."""

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
        self._messages: dict[tuple[int, int], StoredMessage] = {}
        self._last_message_id: dict[int, int] = {}
        self._inline_messages: dict[str, StoredMessage] = {}
        self._callback_queries: dict[str, bool] = {}
        self._inline_queries: dict[str, InlineQueryState] = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._languages: dict[int, str | None] = {}  # user id -> language_code, if not "en"
        self._files: dict[str, StoredFile] = {}
        self._ids = itertools.count(1)
        self.webhook_url = ""  # set by setWebhook: getUpdates is then refused (409)
        self.webhook_secret: str | None = None

    # --- faults and test-side inspection -----------------------------------------------------

    def set_language(self, user_id: int, language_code: str | None) -> None:
        """Set the language_code a user's updates carry: their Telegram app's language
        ("en" unless set; None: the field is left out, as for some clients)."""
        self._languages[user_id] = language_code

    def commands(self, language_code: str = "") -> list[JSONDict]:
        """Return the command menu set for the default scope and a language ("": all)."""
        return copy.deepcopy(self._commands.get(('{"type": "default"}', language_code), []))

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
        quote: str | None = None,
        sender_chat: JSONDict | None = None,
    ) -> int:
        """Queue a text message from a user; return its update_id.

        Without explicit entities, a leading /command gets a bot_command entity and @names get
        mention entities, as Telegram clients do. `quote` is the part of the replied message
        the user selected to quote (Telegram's TextQuote): it must stand in that message's
        text, and the message carries it with its position (in UTF-16 units). sender_chat: the
        message is sent on behalf of a chat (an anonymous group admin: user_id 1087968824, the
        group as sender_chat).
        """
        content: JSONDict = {"text": text}
        found = auto_entities(text) if entities is None else entities
        if found:
            content["entities"] = found
        if quote is not None and reply_to_message_id is None:
            raise ValueError("a quote needs reply_to_message_id: it quotes the replied message")
        if sender_chat is not None:
            content["sender_chat"] = sender_chat
        return await self._user_message(
            content,
            chat_id=chat_id,
            user_id=user_id,
            chat_type=chat_type,
            username=username,
            reply_to_message_id=reply_to_message_id,
            quote=quote,
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
        file_size: int | None = None,
    ) -> int:
        """Queue a document message backed by data (downloadable via getFile); return update_id.

        file_size: the size the message reports, when it is to differ from len(data) (a
        large file without the bytes; Telegram's own report is len(data))."""
        stored = self._store_file("documents", file_name.rpartition(".")[2] or "bin", data)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data) if file_size is None else file_size,
        }
        content: JSONDict = {"document": document}
        self._add_caption(content, caption)
        return await self._user_message(
            content, chat_id=chat_id, user_id=user_id, chat_type=chat_type, username=username
        )

    async def send_update(self, kind: str, payload: JSONDict) -> int:
        """Queue an update of any kind as given, e.g. "message_reaction", "chat_member",
        "channel_post" or "my_chat_member"; return its update_id. A chat in the payload is
        registered, so the bot can send to it."""
        chat = payload.get("chat")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            self._chats.setdefault(chat["id"], dict(chat))
        return await self._enqueue(kind, copy.deepcopy(payload))

    async def send_edited_text(
        self, text: str, *, chat_id: int, message_id: int, entities: list[JSONDict] | None = None
    ) -> int:
        """Queue an edited_message: the user changes the text of one of their messages."""
        stored = self._messages.get((chat_id, message_id))
        if stored is None or stored.from_bot or "text" not in stored.json:
            raise ValueError(f"no text message from a user with id {message_id} in chat {chat_id}")
        stored.json["text"] = text
        stored.json.pop("entities", None)
        found = auto_entities(text) if entities is None else entities
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
        self._inline_queries[inline_query["id"]] = InlineQueryState(inline_query)
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
        rendered = render_text(content, "message_text", "entities")
        inline_message_id = f"AAAA{next(self._ids):08d}standin"
        message: JSONDict = {"text": rendered.text}
        if rendered.entities:
            message["entities"] = rendered.entities
        if result.get("reply_markup"):
            message["reply_markup"] = result["reply_markup"]
        self._inline_messages[inline_message_id] = StoredMessage(
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
        }
        language_code = self._languages.get(user_id, "en")
        if language_code is not None:
            user["language_code"] = language_code
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
            if entities := auto_entities(caption):
                content["caption_entities"] = entities

    def _store_file(self, folder: str, extension: str, data: bytes) -> StoredFile:
        number = next(self._ids)
        stored = StoredFile(
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
        quote: str | None = None,
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
            if quote is not None:
                message["quote"] = text_quote(replied.json, quote, manual=True)
        self._messages[(resolved, message["message_id"])] = StoredMessage(message, False)
        if chat_type != "private" and self.privacy_mode and not self._visible_in_group(message):
            return self._withhold("message", copy.deepcopy(message))
        return await self._enqueue("message", copy.deepcopy(message))

    def _visible_in_group(self, message: JSONDict) -> bool:
        """Apply privacy mode: commands for this bot, mentions of it, and replies to it."""
        username = self.bot_user["username"].lower()
        text = message.get("text") or message.get("caption") or ""
        command = BOT_COMMAND.match(text)
        if command and command.group().partition("@")[2].lower() in ("", username):
            return True
        if any(m.group().lower() == f"@{username}" for m in MENTION.finditer(text)):
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

    def _snapshot(self, stored: StoredMessage) -> SentMessage:
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
