"""Tests for the Bot API stand-in (raw HTTP and the real PTB Application) and the HTML validator."""

from __future__ import annotations

import asyncio
import html
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import Bot, Message, Update
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from tests.support.standin import (
    DEFAULT_USER_ID,
    BotApiStandin,
    DelayFault,
    DropConnectionFault,
    DuplicateUpdateFault,
    HttpErrorFault,
    LostAnswerFault,
    MalformedJsonFault,
    RetryAfterFault,
    TrickleFault,
    UploadedFile,
)
from tests.support.telegram_html import (
    HtmlEntity,
    TelegramHtmlError,
    parse_telegram_html,
    utf16_len,
)

CHAT = DEFAULT_USER_ID


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandin]:
    async with BotApiStandin() as server:
        yield server


@pytest.fixture
async def client(standin: BotApiStandin) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=standin.base_url + standin.token, timeout=5) as http:
        yield http


async def call(client: httpx.AsyncClient, method: str, **params: Any) -> httpx.Response:
    """POST like PTB does: urlencoded form fields, non-strings JSON-encoded."""
    form = {key: v if isinstance(v, str) else json.dumps(v) for key, v in params.items()}
    return await client.post(f"/{method}", data=form)


def error_of(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert body["ok"] is False
    assert body["error_code"] == response.status_code
    return response.status_code, body["description"]


# --- the stand-in over raw HTTP ----------------------------------------------------------------


async def test_get_me_answers_for_any_method_case(client: httpx.AsyncClient) -> None:
    for method in ("getMe", "getme", "GETME"):
        body = (await call(client, method)).json()
        assert body["ok"] is True
        assert body["result"]["is_bot"] is True
        assert body["result"]["username"] == "sourcebot_test_bot"
        assert body["result"]["can_read_all_group_messages"] is False
        assert body["result"]["supports_inline_queries"] is True


async def test_wrong_token_is_unauthorized_and_unknown_method_not_found(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    async with httpx.AsyncClient() as other:
        rejected = await other.post(f"{standin.base_url}123:wrong/getMe")
    assert error_of(rejected) == (401, "Unauthorized")
    assert error_of(await call(client, "sendPigeon")) == (404, "Not Found")


async def test_send_message_stores_parsed_html_with_utf16_entities(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    response = await call(
        client,
        "sendMessage",
        chat_id=CHAT,
        text="😀 <b>bold &amp; <i>both</i></b>",
        parse_mode="HTML",
    )
    message = response.json()["result"]
    assert message["text"] == "😀 bold & both"
    # The emoji is two UTF-16 code units, so bold starts at 3, not 2.
    assert message["entities"] == [
        {"offset": 3, "length": 11, "type": "bold"},
        {"offset": 10, "length": 4, "type": "italic"},
    ]
    assert message["message_id"] == 2  # the user's message was 1 in this chat
    assert message["from"]["id"] == standin.bot_user["id"]
    assert message["chat"] == {
        "id": CHAT,
        "type": "private",
        "first_name": "Test",
        "last_name": f"User{CHAT}",
        "username": "tester",
    }
    [sent] = standin.messages(CHAT)
    assert (sent.message_id, sent.text, sent.parse_mode) == (2, "😀 bold & both", "HTML")
    assert sent.source_text == "😀 <b>bold &amp; <i>both</i></b>"


async def test_send_message_is_parsed_by_ptb(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    markup = {"inline_keyboard": [[{"text": "More", "callback_data": "more:1"}]]}
    response = await call(
        client, "sendMessage", chat_id=CHAT, text="<i>x</i>", parse_mode="HTML", reply_markup=markup
    )
    message = Message.de_json(response.json()["result"], None)
    assert message.text == "x"
    assert message.entities[0].type == "italic"
    assert message.reply_markup is not None
    assert message.reply_markup.inline_keyboard[0][0].callback_data == "more:1"
    assert standin.messages(CHAT)[0].callback_data() == ["more:1"]


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("a < b", 'can\'t parse entities: Unsupported start tag "" at byte offset 2'),
        ("AT&T", 'can\'t parse entities: Unescaped "&" at byte offset 2; write it as &amp;'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("<marquee>x</marquee>", 'Unsupported start tag "marquee"'),
        ("", "message text is empty"),
        ("<b> </b>\n", "message text is empty"),
        ("😀" * 2049, "message is too long"),
    ],
)
async def test_send_message_rejects_what_telegram_rejects(
    standin: BotApiStandin, client: httpx.AsyncClient, text: str, description: str
) -> None:
    await standin.send_text("hi")
    response = await call(client, "sendMessage", chat_id=CHAT, text=text, parse_mode="HTML")
    status, message = error_of(response)
    assert status == 400
    assert message.startswith("Bad Request: ")
    assert description in message
    assert standin.messages(CHAT) == []


async def test_length_limit_counts_utf16_code_units(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    # 2048 emoji are 4096 UTF-16 code units: exactly at the limit although len() is 2048.
    at_limit = await call(client, "sendMessage", chat_id=CHAT, text="😀" * 2048)
    assert at_limit.status_code == 200
    over = await call(client, "sendMessage", chat_id=CHAT, text="a" * 4097)
    assert error_of(over) == (400, "Bad Request: message is too long")


async def test_send_message_checks_chat_and_callback_data(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    unknown = await call(client, "sendMessage", chat_id=42, text="hi")
    assert error_of(unknown) == (400, "Bad Request: chat not found")
    await standin.send_text("hi")
    # 32 two-byte characters are 64 bytes (allowed); one more byte is not.
    fits = {"inline_keyboard": [[{"text": "ok", "callback_data": "é" * 32}]]}
    assert (await call(client, "sendMessage", chat_id=CHAT, text="x", reply_markup=fits)).is_success
    too_long = {"inline_keyboard": [[{"text": "no", "callback_data": "é" * 32 + "x"}]]}
    response = await call(client, "sendMessage", chat_id=CHAT, text="x", reply_markup=too_long)
    assert error_of(response) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_quotes_in_replies_stand_in_the_replied_message(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    sent = (await call(client, "sendMessage", chat_id=CHAT, text="🎉 Kerry met Lavrov")).json()
    bot_message = sent["result"]["message_id"]
    # The user replies quoting part of the bot's message: Telegram's TextQuote, UTF-16 position.
    update_id = await standin.send_text("why?", reply_to_message_id=bot_message, quote="met Lavrov")
    quote = standin.update(update_id)["message"]["quote"]
    assert quote == {"text": "met Lavrov", "position": 9, "is_manual": True}
    with pytest.raises(ValueError, match="QUOTE_TEXT_INVALID"):
        await standin.send_text("x", reply_to_message_id=bot_message, quote="Putin")
    with pytest.raises(ValueError, match="reply_to_message_id"):
        await standin.send_text("x", quote="Kerry")
    # The bot may quote the message it replies to (reply_parameters.quote), as Telegram checks.
    user_message = standin.update(update_id)["message"]["message_id"]
    reply = {"message_id": user_message, "quote": "why"}
    answer = await call(client, "sendMessage", chat_id=CHAT, text="ok", reply_parameters=reply)
    assert answer.json()["result"]["quote"] == {"text": "why", "position": 0, "is_manual": True}
    wrong = {"message_id": user_message, "quote": "how"}
    refused = await call(client, "sendMessage", chat_id=CHAT, text="ok", reply_parameters=wrong)
    assert error_of(refused) == (400, "Bad Request: QUOTE_TEXT_INVALID")


async def test_blocked_user_gives_forbidden(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    standin.block(CHAT)
    response = await call(client, "sendMessage", chat_id=CHAT, text="x")
    assert error_of(response) == (403, "Forbidden: bot was blocked by the user")


async def test_edit_message_text_updates_and_refuses_no_op(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    sent = (await call(client, "sendMessage", chat_id=CHAT, text="one")).json()["result"]
    ids = {"chat_id": CHAT, "message_id": sent["message_id"]}
    edited = await call(client, "editMessageText", **ids, text="<b>two</b>", parse_mode="HTML")
    assert edited.json()["result"]["text"] == "two"
    assert "edit_date" in edited.json()["result"]
    again = await call(client, "editMessageText", **ids, text="<b>two</b>", parse_mode="HTML")
    status, description = error_of(again)
    assert status == 400
    assert description.startswith("Bad Request: message is not modified")
    [current] = standin.messages(CHAT)
    assert current.text == "two"
    assert current.entities == ({"offset": 0, "length": 3, "type": "bold"},)

    users_message = await call(client, "editMessageText", chat_id=CHAT, message_id=1, text="x")
    assert error_of(users_message) == (400, "Bad Request: message can't be edited")
    missing = await call(client, "editMessageText", chat_id=CHAT, message_id=99, text="x")
    assert error_of(missing) == (400, "Bad Request: message to edit not found")
    inline = await call(client, "editMessageText", inline_message_id="nope", text="x")
    assert error_of(inline) == (400, "Bad Request: MESSAGE_ID_INVALID")


async def test_json_body_and_query_string_parameters(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    by_json = await client.post("/sendMessage", json={"chat_id": CHAT, "text": "123"})
    assert by_json.json()["result"]["text"] == "123"  # a numeric-looking text stays a string
    by_query = await client.get("/sendChatAction", params={"chat_id": CHAT, "action": "typing"})
    assert by_query.json() == {"ok": True, "result": True}
    wrong = await client.get("/sendChatAction", params={"chat_id": CHAT, "action": "dancing"})
    assert error_of(wrong) == (400, "Bad Request: wrong parameter action in request")


async def test_multipart_parameters_and_files_are_recorded(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        "/sendDocument",
        data={"chat_id": str(CHAT), "caption": "42"},
        files={"document": ("notes.txt", b"call me", "text/plain")},
    )
    assert error_of(response) == (404, "Not Found")  # sending media is not modelled
    [request] = standin.requests
    assert request.params["chat_id"] == CHAT
    assert request.params["caption"] == "42"
    assert request.params["document"] == UploadedFile("notes.txt", "text/plain", b"call me")


async def test_get_updates_confirms_by_offset_and_honours_limit(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    first = await standin.send_text("one")
    second = await standin.send_text("two")
    third = await standin.send_text("three")
    batch = (await call(client, "getUpdates", limit=2)).json()["result"]
    assert [u["update_id"] for u in batch] == [first, second]
    # Delivered but unconfirmed updates come again.
    batch = (await call(client, "getUpdates")).json()["result"]
    assert [u["update_id"] for u in batch] == [first, second, third]
    batch = (await call(client, "getUpdates", offset=second + 1)).json()["result"]
    assert [u["message"]["text"] for u in batch] == ["three"]
    assert standin.pending_update_count == 1
    assert (await call(client, "getUpdates", offset=third + 1)).json()["result"] == []
    assert standin.pending_update_count == 0


async def test_long_poll_returns_when_an_update_arrives(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(call(client, "getUpdates", timeout=3))
    await asyncio.sleep(0.1)
    update_id = await standin.send_text("wake up")
    batch = (await poll).json()["result"]
    assert [u["update_id"] for u in batch] == [update_id]
    assert time.monotonic() - started < 1.5


async def test_long_poll_times_out_empty(client: httpx.AsyncClient) -> None:
    started = time.monotonic()
    response = await call(client, "getUpdates", timeout=0.3)
    assert response.json() == {"ok": True, "result": []}
    assert 0.25 < time.monotonic() - started < 2


async def test_second_poller_terminates_the_first(client: httpx.AsyncClient) -> None:
    first = asyncio.create_task(call(client, "getUpdates", timeout=3))
    await asyncio.sleep(0.1)
    await call(client, "getUpdates", timeout=0)
    status, description = error_of(await first)
    assert status == 409
    assert description.startswith("Conflict: terminated by other getUpdates request")


async def test_allowed_updates_filters_update_types(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    await call(client, "sendMessage", chat_id=CHAT, text="pick")
    await standin.send_callback("x", message=standin.messages(CHAT)[0])
    assert standin.pending_update_count == 2
    batch = (await call(client, "getUpdates", allowed_updates=["message"])).json()["result"]
    assert [next(k for k in u if k != "update_id") for u in batch] == ["message"]


async def test_injected_updates_parse_as_ptb_updates(standin: BotApiStandin) -> None:
    ids = [
        await standin.send_text("/start@sourcebot_test_bot ask @sourcebot_test_bot"),
        await standin.send_photo(caption="look"),
        await standin.send_sticker(),
        await standin.send_location(52.37, 4.89),
        await standin.send_voice(duration=7),
        await standin.send_document(file_name="a.pdf", mime_type="application/pdf"),
        await standin.send_inline_query("moby dick"),
    ]
    ids.append(await standin.send_edited_text("edited", chat_id=CHAT, message_id=1))
    updates = [Update.de_json(standin.update(i), None) for i in ids]
    text, photo, sticker, location, voice, document, inline, edited = updates
    assert text.message is not None
    assert [(e.type, e.offset, e.length) for e in text.message.entities] == [
        ("bot_command", 0, 25),
        ("mention", 30, 19),
    ]
    assert photo.message is not None and photo.message.caption == "look"
    assert len(photo.message.photo) == 3
    assert sticker.message is not None and sticker.message.sticker is not None
    assert location.message is not None and location.message.location is not None
    assert location.message.location.latitude == pytest.approx(52.37)
    assert voice.message is not None and voice.message.voice is not None
    assert voice.message.voice.file_size == len(b"OggS\x00stand-in voice")
    assert document.message is not None and document.message.document is not None
    assert document.message.document.file_name == "a.pdf"
    assert inline.inline_query is not None and inline.inline_query.query == "moby dick"
    assert edited.edited_message is not None and edited.edited_message.text == "edited"
    messages = [u.effective_message for u in updates[:6]]
    assert [m.message_id for m in messages if m is not None] == [1, 2, 3, 4, 5, 6]


async def test_documents_can_be_downloaded(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    update_id = await standin.send_document(data=b"chapter one")
    file_id = standin.update(update_id)["message"]["document"]["file_id"]
    found = (await call(client, "getFile", file_id=file_id)).json()["result"]
    async with httpx.AsyncClient() as http:
        download = await http.get(f"{standin.base_file_url}{standin.token}/{found['file_path']}")
    assert download.content == b"chapter one"


async def test_privacy_mode_withholds_group_chatter(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    group = -100123
    chatter = await standin.send_text("just talking", chat_id=group, chat_type="supergroup")
    mention = await standin.send_text("@sourcebot_test_bot ahab?", chat_id=group, chat_type="group")
    command = await standin.send_text("/ask whale", chat_id=group, chat_type="group")
    other_bot = await standin.send_text("/ask@other_bot x", chat_id=group, chat_type="group")
    assert [u["update_id"] for u in standin.withheld_updates] == [chatter, other_bot]
    delivered = (await call(client, "getUpdates")).json()["result"]
    assert [u["update_id"] for u in delivered] == [mention, command]
    assert delivered[0]["message"]["chat"] == {"id": group, "type": "group", "title": "Test group"}


async def test_callback_and_inline_queries_are_answered_once(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    markup = {"inline_keyboard": [[{"text": "More", "callback_data": "more"}]]}
    await call(client, "sendMessage", chat_id=CHAT, text="pick", reply_markup=markup)
    update_id = await standin.send_callback("more", message=standin.messages(CHAT)[0])
    query = standin.update(update_id)["callback_query"]
    assert query["message"]["reply_markup"] == markup
    assert (await call(client, "answerCallbackQuery", callback_query_id=query["id"])).is_success
    again = await call(client, "answerCallbackQuery", callback_query_id=query["id"])
    assert error_of(again)[1].startswith("Bad Request: query is too old")

    update_id = await standin.send_inline_query("whale")
    inline_id = standin.update(update_id)["inline_query"]["id"]
    result = {
        "type": "article",
        "id": "r1",
        "title": "Whale",
        "input_message_content": {"message_text": "<b>Call me</b> Ishmael", "parse_mode": "HTML"},
        "reply_markup": markup,
    }
    bad = dict(result, input_message_content={"message_text": "<b>x", "parse_mode": "HTML"})
    rejected = await call(client, "answerInlineQuery", inline_query_id=inline_id, results=[bad])
    assert "can't parse entities" in error_of(rejected)[1]
    answer = await call(client, "answerInlineQuery", inline_query_id=inline_id, results=[result])
    assert answer.is_success

    chosen = standin.update(await standin.choose_inline_result("r1"))["chosen_inline_result"]
    [inline_message] = standin.inline_messages()
    assert chosen["inline_message_id"] == inline_message.inline_message_id
    assert inline_message.text == "Call me Ishmael"
    edit = await call(
        client, "editMessageText", inline_message_id=chosen["inline_message_id"], text="Ishmael"
    )
    assert edit.json() == {"ok": True, "result": True}
    assert standin.inline_messages()[0].text == "Ishmael"


async def test_bot_commands_round_trip(client: httpx.AsyncClient) -> None:
    commands = [{"command": "ask", "description": "Ask the sources"}]
    assert (await call(client, "setMyCommands", commands=commands)).is_success
    assert (await call(client, "getMyCommands")).json()["result"] == commands
    scope = {"type": "all_private_chats"}
    assert (await call(client, "getMyCommands", scope=scope)).json()["result"] == []
    invalid = await call(
        client, "setMyCommands", commands=[{"command": "Ask!", "description": "x"}]
    )
    assert error_of(invalid) == (400, "Bad Request: BOT_COMMAND_INVALID")
    assert (await call(client, "deleteMyCommands")).is_success
    assert (await call(client, "getMyCommands")).json()["result"] == []


async def test_wait_for_returns_matching_requests_or_times_out(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    waiter = asyncio.create_task(
        standin.wait_for("SENDMESSAGE", lambda r: r.params.get("text") == "b", timeout=2)
    )
    await call(client, "sendMessage", chat_id=CHAT, text="a")
    await call(client, "sendMessage", chat_id=CHAT, text="b")
    [request] = await waiter
    assert request.ok
    assert request.params == {"chat_id": CHAT, "text": "b"}
    assert request.result["text"] == "b"
    with pytest.raises(TimeoutError, match="sendMessage"):
        await standin.wait_for("sendMessage", count=3, timeout=0.1)


# --- fault injection ---------------------------------------------------------------------------


async def test_faults_apply_to_the_next_calls_in_order(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    standin.fail_next("getMe", RetryAfterFault(retry_after=7))
    standin.fail_next("getme", HttpErrorFault(502), times=2)
    standin.fail_next("getMe", MalformedJsonFault())
    limited = (await call(client, "getMe")).json()
    assert limited == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert error_of(await call(client, "getMe")) == (502, "Bad Gateway")
    assert error_of(await call(client, "getMe")) == (502, "Bad Gateway")
    malformed = await call(client, "getMe")
    assert malformed.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        malformed.json()
    assert (await call(client, "getMe")).json()["ok"] is True
    assert [r.status for r in standin.requests] == [429, 502, 502, 200, 200]


async def test_dropped_connection_and_delay(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    standin.fail_next("sendMessage", DropConnectionFault())
    with pytest.raises(httpx.RemoteProtocolError):
        await call(client, "sendMessage", chat_id=CHAT, text="lost")
    assert standin.messages(CHAT) == []

    standin.fail_next("sendMessage", DelayFault(0.5))
    with pytest.raises(httpx.ReadTimeout):
        await client.post("/sendMessage", data={"chat_id": str(CHAT), "text": "late"}, timeout=0.1)
    # Like Telegram, the slow call still takes effect although the client gave up.
    [late] = await standin.wait_for("sendMessage", lambda r: r.ok, timeout=2)
    assert late.params["text"] == "late"
    assert [m.text for m in standin.messages(CHAT)] == ["late"]


@pytest.mark.parametrize(
    ("how", "error"),
    [("reset", httpx.RemoteProtocolError), ("truncated", httpx.RemoteProtocolError)],
)
async def test_answer_lost_after_the_call_took_effect(
    standin: BotApiStandin, client: httpx.AsyncClient, how: Any, error: type[Exception]
) -> None:
    await standin.send_text("hi")
    standin.fail_next("sendMessage", LostAnswerFault(how))
    with pytest.raises(error):
        await call(client, "sendMessage", chat_id=CHAT, text="sent anyway")
    # Unlike a dropped connection, the message was sent before the answer was lost.
    assert [m.text for m in standin.messages(CHAT)] == ["sent anyway"]


async def test_proxy_502_after_the_call_took_effect(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    await standin.send_text("hi")
    standin.fail_next("sendMessage", LostAnswerFault("502"))
    answer = await call(client, "sendMessage", chat_id=CHAT, text="sent anyway")
    assert answer.status_code == 502 and answer.headers["content-type"].startswith("text/html")
    assert [m.text for m in standin.messages(CHAT)] == ["sent anyway"]


async def test_trickled_answer_arrives_a_byte_at_a_time(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    standin.fail_next("getMe", TrickleFault(seconds=0.6, every=0.2))
    started = time.monotonic()
    assert (await call(client, "getMe")).json()["ok"] is True
    assert time.monotonic() - started >= 0.6


async def test_duplicate_update_is_delivered_again(
    standin: BotApiStandin, client: httpx.AsyncClient
) -> None:
    first = await standin.send_text("one")
    await call(client, "getUpdates")
    second = await standin.send_text("two")
    standin.fail_next("getUpdates", DuplicateUpdateFault())
    batch = (await call(client, "getUpdates", offset=first + 1)).json()["result"]
    assert [u["update_id"] for u in batch] == [first, second]


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_faults_surface_as_ptb_errors(standin: BotApiStandin) -> None:
    await standin.send_text("hi")
    request = HTTPXRequest(read_timeout=0.2)
    bot = Bot(standin.token, base_url=standin.base_url, request=request)
    standin.fail_next("sendMessage", RetryAfterFault(3))
    standin.fail_next("sendMessage", DelayFault(0.6))
    standin.fail_next("sendMessage", DropConnectionFault())
    standin.fail_next("sendMessage", HttpErrorFault(500))
    async with bot:
        with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
            await bot.send_message(CHAT, "x")
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "x")
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "x")
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(CHAT, "x")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag"):
            await bot.send_message(CHAT, "1 < 2", parse_mode="HTML")


# --- the real PTB Application end to end ---------------------------------------------------------


async def test_ptb_application_replies_through_long_polling(standin: BotApiStandin) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        reply = await update.effective_message.reply_html(
            f"<b>echo:</b> {html.escape(update.effective_message.text)}", do_quote=True
        )
        context.bot_data["reply_id"] = reply.message_id

    app = (
        ApplicationBuilder()
        .token(standin.token)
        .base_url(standin.base_url)
        .base_file_url(standin.base_file_url)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await standin.send_text("a <b> & c", user_id=77)
        [reply] = await standin.wait_for("sendMessage", timeout=5)
        await app.updater.stop()
        await app.stop()

    assert reply.ok
    [message] = standin.messages(77)
    assert message.text == "echo: a <b> & c"
    assert message.entities == ({"offset": 0, "length": 5, "type": "bold"},)
    assert message.json["reply_to_message"]["text"] == "a <b> & c"
    assert app.bot_data["reply_id"] == message.message_id
    assert standin.pending_update_count == 0  # PTB confirmed the update on shutdown


async def test_ptb_reports_a_rejected_token(standin: BotApiStandin) -> None:
    app = ApplicationBuilder().token("42:not-the-token").base_url(standin.base_url).build()
    with pytest.raises(InvalidToken):
        await app.initialize()


# --- the HTML validator ------------------------------------------------------------------------


def test_valid_html_gives_text_and_entities() -> None:
    parsed = parse_telegram_html(
        '<b>B <i>I <u>U</u></i></b> <a href="https://x.org/?a=1&amp;b=2">link</a> '
        '<span class="tg-spoiler">s</span> <tg-spoiler>t</tg-spoiler> '
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>q <code>c</code></blockquote> &lt;&gt;&quot;&#65;&#x1F600;"
    )
    assert parsed.text == 'B I U link s t x = 1q c <>"A😀'
    assert parsed.entities == (
        HtmlEntity("bold", 0, 5),
        HtmlEntity("italic", 2, 3),
        HtmlEntity("underline", 4, 1),
        HtmlEntity("text_link", 6, 4, url="https://x.org/?a=1&b=2"),
        HtmlEntity("spoiler", 11, 1),
        HtmlEntity("spoiler", 13, 1),
        HtmlEntity("pre", 15, 5, language="python"),
        HtmlEntity("expandable_blockquote", 20, 3),
        HtmlEntity("code", 22, 1),
    )


def test_formatting_may_wrap_code_and_blockquote() -> None:
    parsed = parse_telegram_html("<b><code>x</code></b><i><blockquote>q</blockquote></i>")
    assert [e.type for e in parsed.entities] == ["bold", "code", "italic", "blockquote"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("fish & chips", 'Unescaped "&" at byte offset 5'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
        ("&#xD800;", 'Unsupported HTML entity "&#xD800;"'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<h1>x</h1>", 'Unsupported start tag "h1"'),
        ("é<b>x</i>", 'Unmatched end tag at byte offset 6, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        ("<a href>x</a>", "Expected equal sign in declaration of an attribute"),
        ("<code><b>x</b></code>", 'Tag "b" can\'t be nested in tag "code"'),
        ("<pre>a<i>b</i></pre>", 'Tag "i" can\'t be nested in tag "pre"'),
        ("<code><code>x</code></code>", 'Tag "code" can\'t be nested in tag "code"'),
        ("<blockquote><b><blockquote>x</blockquote></b></blockquote>", "nested in tag"),
        ('<a href="u"><a href="v">x</a></a>', 'Tag "a" can\'t be nested in tag "a"'),
    ],
)
def test_invalid_html_is_rejected(source: str, message: str) -> None:
    with pytest.raises(TelegramHtmlError) as raised:
        parse_telegram_html(source)
    assert message in str(raised.value)


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("") == 0
    assert utf16_len("abc") == 3
    assert utf16_len("é€") == 2
    assert utf16_len("😀a") == 3
    assert utf16_len("👍🏽") == 4  # emoji plus skin-tone modifier: two astral characters


text_without_surrogates = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)


@given(text_without_surrogates)
def test_escaped_text_round_trips(text: str) -> None:
    parsed = parse_telegram_html(html.escape(text))
    assert parsed.text == text
    assert parsed.entities == ()


@given(text_without_surrogates, text_without_surrogates.filter(bool))
def test_entity_offsets_are_utf16(prefix: str, inner: str) -> None:
    parsed = parse_telegram_html(f"{html.escape(prefix)}<b>{html.escape(inner)}</b>")
    assert parsed.entities == (HtmlEntity("bold", utf16_len(prefix), utf16_len(inner)),)
