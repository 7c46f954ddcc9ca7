"""The stand-in's HTTP side: an aiohttp server on 127.0.0.1 answering the bot's Bot API calls.

`/bot<token>/<method>` with form, multipart or JSON parameters, `{"ok": ...}` envelopes and
Telegram's error descriptions; faults applied per call; the methods the bot uses, each
checking its parameters as Telegram does, acting on the state (state.py). Text sent with
`parse_mode=HTML` is checked by tests.support.telegram_html, which is stricter than
Telegram in a few documented places so that rendering bugs fail tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import json
import re
import time
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from aiohttp import web

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
    lose_answer,
    trickle,
)
from tests.support.standin.records import (
    BUTTON_ACTIONS,
    CHAT_ACTIONS,
    COMMAND_NAME,
    MAX_CALLBACK_DATA_BYTES,
    MAX_INLINE_RESULTS,
    NOT_DELIVERED_BY_DEFAULT,
    NOT_MODIFIED,
    QUERY_INVALID,
    ApiError,
    ApiRequest,
    Handler,
    JSONDict,
    StoredMessage,
    UploadedFile,
    bad_request,
    decode_param,
    error_payload,
    json_body,
    render_text,
    text_quote,
    update_kind,
)
from tests.support.standin.state import StandinState

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile serves files up to 20 MB (the cloud Bot API)


class BotApiStandin(StandinState):
    """A Telegram Bot API server on 127.0.0.1 for one bot token; use as an async context manager.

    Point PTB at it with ``ApplicationBuilder().token(standin.token)
    .base_url(standin.base_url).base_file_url(standin.base_file_url)``.
    """

    _runner: web.AppRunner | None = None
    _port: int | None = None

    @functools.cached_property
    def _handlers(self) -> dict[str, tuple[str, Handler]]:
        """Return each Bot API method this stand-in answers, by its lowercased name."""
        methods: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
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
        return {name.lower(): (name, handler) for name, handler in methods.items()}

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

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        method, handler = self._handlers.get(name.lower(), (name, None))
        started = time.time()
        try:
            params = await self._read_params(request)
        except ApiError as error:
            return await self._answer_error(method, {}, started, error, None)
        if request.match_info["token"] != self.token:
            return await self._answer_error(
                method, params, started, ApiError(401, "Unauthorized"), None
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
            too_many = ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
            return await self._answer_error(method, params, started, too_many, fault)
        if isinstance(fault, HttpErrorFault):
            failed = ApiError(fault.status, fault.description or HTTPStatus(fault.status).phrase)
            return await self._answer_error(method, params, started, failed, fault)

        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            if isinstance(fault, DuplicateUpdateFault) and handler == self._get_updates:
                result = await self._get_updates(params, duplicate=fault)
            else:
                result = await handler(params)
        except ApiError as error:
            return await self._answer_error(method, params, started, error, fault)
        except (ValueError, TypeError) as exc:
            # A parameter of the wrong type or shape, which Telegram also answers with 400.
            invalid = bad_request(f"invalid parameters ({type(exc).__name__}: {exc})")
            return await self._answer_error(method, params, started, invalid, fault)
        payload = {"ok": True, "result": result}
        await self._record(ApiRequest(method, params, started, 200, payload, fault))
        if isinstance(fault, LostAnswerFault):
            return await lose_answer(request, fault, payload)
        if isinstance(fault, TrickleFault):
            return await trickle(request, fault, payload)
        return json_body(200, payload)

    async def _answer_error(
        self, method: str, params: JSONDict, started: float, error: ApiError, fault: Fault | None
    ) -> web.Response:
        payload = error_payload(error)
        await self._record(ApiRequest(method, params, started, error.status, payload, fault))
        return json_body(error.status, payload)

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
                    raise bad_request("can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise bad_request("JSON object expected")
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
        return {key: decode_param(key, value) for key, value in raw.items()}

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return json_body(401, error_payload(ApiError(401, "Unauthorized")))
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f.path == path), None)
        if stored is None:
            return json_body(404, error_payload(ApiError(404, "Not Found")))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # --- parameter checks shared by methods --------------------------------------------------

    def _chat(self, params: JSONDict) -> JSONDict:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        chat = None
        if isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            chat = next(
                (c for c in self._chats.values() if f"@{c.get('username')}" == chat_id), None
            )
        if chat is None:
            raise bad_request("chat not found")
        if chat["id"] in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    @staticmethod
    def _inline_keyboard(markup: Any) -> JSONDict | None:
        """Validate reply_markup; return it if it is an inline keyboard, which messages carry."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in (button for row in rows for button in row):
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("can't parse inline keyboard button: text is empty")
            if not BUTTON_ACTIONS & button.keys():
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    # --- Bot API methods ---------------------------------------------------------------------

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return dict(self.bot_user)

    async def _get_updates(
        self, params: JSONDict, duplicate: DuplicateUpdateFault | None = None
    ) -> list[JSONDict]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
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
                    raise ApiError(
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
            kind = update_kind(update)
            if self._allowed_updates is None:
                return kind not in NOT_DELIVERED_BY_DEFAULT
            return kind in self._allowed_updates

        # Updates of types the bot did not ask for are never created by Telegram.
        self._queue = [update for update in self._queue if allowed(update)]
        return self._queue[:limit]

    async def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self.webhook_url = ""
        self.webhook_secret = None
        return True

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url", ""))
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._queue.clear()
        self.webhook_url = url
        self.webhook_secret = None if secret is None else str(secret)
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": self.webhook_url,
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
            raise bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict) or not COMMAND_NAME.fullmatch(
                str(command.get("command", ""))
            ):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
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
        rendered = render_text(params, "text", "entities")
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
            quote = (params.get("reply_parameters") or {}).get("quote")
            if quote is not None:
                try:
                    message["quote"] = text_quote(replied.json, str(quote), manual=True)
                except ValueError:
                    raise bad_request("QUOTE_TEXT_INVALID") from None
        if keyboard is not None:
            message["reply_markup"] = keyboard
        self._messages[(chat["id"], message["message_id"])] = StoredMessage(
            message, True, rendered.source_text, rendered.parse_mode
        )
        return copy.deepcopy(message)

    def _replied_message(self, chat_id: int, params: JSONDict) -> StoredMessage | None:
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
            raise bad_request("message to be replied not found")
        return replied

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        inline_message_id = params.get("inline_message_id")
        if inline_message_id:
            stored = self._inline_messages.get(str(inline_message_id))
            if stored is None:
                raise bad_request("MESSAGE_ID_INVALID")
        else:
            chat = self._chat(params)
            if params.get("message_id") is None:
                raise bad_request("message identifier is not specified")
            stored = self._messages.get((chat["id"], int(params["message_id"])))
            if stored is None:
                raise bad_request("message to edit not found")
            if not stored.from_bot:
                raise bad_request("message can't be edited")
        rendered = render_text(params, "text", "entities")
        keyboard = self._inline_keyboard(params.get("reply_markup"))
        message = stored.json
        if (
            message.get("text") == rendered.text
            and message.get("entities", []) == rendered.entities
            and message.get("reply_markup") == keyboard
        ):
            raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
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
            raise bad_request(QUERY_INVALID.removeprefix("Bad Request: "))
        self._callback_queries[query_id] = True
        return True

    async def _answer_inline_query(self, params: JSONDict) -> bool:
        query = self._inline_queries.get(str(params.get("inline_query_id", "")))
        if query is None or query.answered:
            raise bad_request(QUERY_INVALID.removeprefix("Bad Request: "))
        results = params.get("results")
        if not isinstance(results, list):
            raise bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            result_id = str(result.get("id", "")) if isinstance(result, dict) else ""
            if not 1 <= len(result_id.encode("utf-8")) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if result_id in seen:
                raise bad_request("RESULT_ID_DUPLICATE")
            seen.add(result_id)
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                render_text(content, "message_text", "entities")
            self._inline_keyboard(result.get("reply_markup"))
        query.answered = True
        query.results = copy.deepcopy(results)
        return True

    async def _send_chat_action(self, params: JSONDict) -> bool:
        self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.path,
        }
