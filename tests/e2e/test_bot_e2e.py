"""End to end: the real python-telegram-bot Application against the local Bot API stand-in.

Every command, a question, not found, More and Context buttons (also stale ones), groups
with and without a mention, inline mode, non-text messages, HTML in a question, a
5,000-character message, and proof that the token never reaches a log line. Every reply
the bot sends is validated as Telegram HTML within 4096 characters after parsing.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.app import commands as menu_commands
from bot.config import Settings, load_settings
from bot.logs import install_redaction
from retrieval.answer.library import Library
from tests.support.botrun import running_bot
from tests.support.paths import REPO_ROOT
from tests.support.standin import DEFAULT_USER_ID, ApiRequest, BotApiStandin, SentMessage
from tests.support.telegram_html import parse_telegram_html, utf16_len

ROOT = REPO_ROOT
GROUP = -100200300
Running = tuple[BotApiStandin, Application]  # type: ignore[type-arg]


@pytest.fixture(scope="module")
def bot_settings() -> Settings:
    return load_settings(ROOT / "config" / "bot.yaml")


@pytest.fixture(scope="module")
def seed_library(bot_settings: Settings) -> Library:
    return Library.load(bot_settings.retrieval)


@pytest.fixture
async def running(bot_settings: Settings, seed_library: Library) -> AsyncIterator[Running]:
    async with running_bot(bot_settings, seed_library) as (standin, app):
        yield standin, app
        bad = [r for r in standin.requests if r.method in _SENDS and not r.ok]
        assert not bad, f"the stand-in refused replies: {[(r.method, r.response) for r in bad]}"


_SENDS = {"sendMessage", "editMessageText", "answerInlineQuery", "answerCallbackQuery"}


def _valid(text: str) -> str:
    """Assert text is valid Telegram HTML within the limit; return the parsed text."""
    parsed = parse_telegram_html(text)
    assert utf16_len(parsed.text) <= 4096
    return parsed.text


async def _reply(standin: BotApiStandin, chat_id: int, n: int = 1) -> list[ApiRequest]:
    replies = await standin.wait_for(
        "sendMessage", lambda r: r.params.get("chat_id") == chat_id, count=n
    )
    for r in replies:
        _valid(str(r.params["text"]))
    return replies


def _last(standin: BotApiStandin, chat_id: int) -> SentMessage:
    return standin.messages(chat_id)[-1]


async def test_commands_registered_and_start(running: Running) -> None:
    standin, _ = running
    commands = (await standin.wait_for("setMyCommands"))[0].params["commands"]
    assert [c["command"] for c in commands] == [c.command for c in menu_commands()]
    await standin.send_text("/start")
    (reply,) = await _reply(standin, DEFAULT_USER_ID)
    text = _valid(str(reply.params["text"]))
    assert "2 sources" in text and "Kerry’s Visit To Sochi" in text
    buttons = _last(standin, DEFAULT_USER_ID).callback_data()
    assert buttons == ["x:0"]
    # The example button asks a question the sources answer.
    await standin.send_callback("x:0", message=_last(standin, DEFAULT_USER_ID))
    replies = await _reply(standin, DEFAULT_USER_ID, 2)
    assert "<blockquote>" in str(replies[1].params["text"])


async def test_help_lists_every_command(running: Running) -> None:
    standin, _ = running
    await standin.send_text("/help")
    (reply,) = await _reply(standin, DEFAULT_USER_ID)
    text = _valid(str(reply.params["text"]))
    for command in menu_commands():
        assert f"/{command.command}" in text


async def test_question_gets_quotes_and_citations(running: Running) -> None:
    standin, _ = running
    await standin.send_text("Was Crimea discussed?")
    (reply,) = await _reply(standin, DEFAULT_USER_ID)
    html = str(reply.params["text"])
    assert html.count("<blockquote>") >= 1
    assert "<b>Crimea</b>" in html
    text = _valid(html)
    assert "The issue of Crimea was not brought up at all" in text
    assert "[1] Danilov, RIAC · ¶12\n" in text  # the label under the quote
    assert text.endswith(
        "\n\n[1] Dmitry Danilov, RIAC\n[2] Kerry’s Visit To Sochi: New Dynamics "
        "Of Russia-US Engagement – Analysis — Rajorshi Roy, Institute for Defence "
        "Studies and Analyses"
    )  # the full references, once each
    assert reply.params.get("parse_mode") == "HTML"


async def test_typing_shown_while_a_slow_answer_is_computed(
    running: Running, seed_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    standin, _ = running
    # A fast answer needs no indicator: the reply itself arrives at once.
    await standin.send_text("Was Crimea discussed?")
    await _reply(standin, DEFAULT_USER_ID)
    assert not [r for r in standin.requests if r.method == "sendChatAction"]
    real = seed_library.answer

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.6)  # longer than telegram.typing_delay_ms (300)
        return real(*args, **kwargs)

    monkeypatch.setattr(seed_library, "answer", slow)
    await standin.send_text("Will the sanctions be lifted?")
    (action,) = await standin.wait_for("sendChatAction")
    replies = await _reply(standin, DEFAULT_USER_ID, 2)
    assert action.params["action"] == "typing" and action.params["chat_id"] == DEFAULT_USER_ID
    assert action.time < replies[1].time  # shown while answering, not after
    assert "sanctions" in str(replies[1].params["text"])


async def test_misspelling_is_corrected_and_shown(running: Running) -> None:
    standin, _ = running
    await standin.send_text("What did Lavorv say about international problems?")
    (reply,) = await _reply(standin, DEFAULT_USER_ID)
    text = _valid(str(reply.params["text"]))
    assert text.startswith("Searched for: lavrov")
    assert "Foreign Minister Lavrov expressed" in text


async def test_not_found_says_so_without_quotes(running: Running) -> None:
    standin, _ = running
    await standin.send_text("How do I bake bread?")
    (reply,) = await _reply(standin, DEFAULT_USER_ID)
    html = str(reply.params["text"])
    assert "<blockquote>" not in html
    assert "nothing in the sources" in html and "/sources" in html
    assert _last(standin, DEFAULT_USER_ID).callback_data() == []


async def test_more_and_context_buttons(running: Running) -> None:
    standin, _ = running
    await standin.send_text("Russia")
    await _reply(standin, DEFAULT_USER_ID)
    answer = _last(standin, DEFAULT_USER_ID)
    data = answer.callback_data()
    more = [d for d in data if d.startswith("m:")]
    contexts = [d for d in data if d.startswith("c:")]
    assert len(more) == 1 and len(contexts) == 3
    first_page = answer.text
    await standin.send_callback(more[0], message=answer)
    (edit,) = await standin.wait_for("editMessageText")
    _valid(str(edit.params["text"]))
    paged = _last(standin, DEFAULT_USER_ID)
    assert paged.text != first_page
    assert "¶5" in paged.text  # the next hits: paragraphs 5, 8 and 11 of source 2
    assert any(d.startswith("m:") and d.endswith(":0") for d in paged.callback_data())  # Back

    await standin.send_callback(contexts[0], message=answer)
    replies = await _reply(standin, DEFAULT_USER_ID, 2)
    context_html = str(replies[1].params["text"])
    assert context_html.count("<blockquote>") >= 2  # the paragraph and a neighbour
    assert "¶" in _valid(context_html)


async def test_stale_buttons_answer_politely(running: Running) -> None:
    standin, _ = running
    await standin.send_text("Russia")
    await _reply(standin, DEFAULT_USER_ID)
    answer = _last(standin, DEFAULT_USER_ID)
    for data in ("m:dead1:3", "c:9:99", "zz", "s:42"):
        await standin.send_callback(data, message=answer)
    answers = await standin.wait_for("answerCallbackQuery", count=4)
    texts = [str(a.params.get("text", "")) for a in answers]
    assert any("earlier session" in t for t in texts)
    assert any("no longer" in t for t in texts)
    assert all(t for t in texts)


async def test_sources_and_summary_commands(running: Running) -> None:
    standin, _ = running
    await standin.send_text("/sources")
    (reply,) = await _reply(standin, DEFAULT_USER_ID)
    text = _valid(str(reply.params["text"]))
    assert "[1] Dmitry Danilov" in text and "[2] Kerry" in text and "Rajorshi Roy" in text
    assert _last(standin, DEFAULT_USER_ID).callback_data() == ["s:1", "s:2"]
    await standin.send_callback("s:2", message=_last(standin, DEFAULT_USER_ID))
    await _reply(standin, DEFAULT_USER_ID, 2)
    summary = _last(standin, DEFAULT_USER_ID).text
    assert summary.startswith("Summary of [2] Kerry’s Visit")

    cases = {
        "/summary": "Summary of all sources",
        "/summary 1": "Summary of [1] Dmitry Danilov, RIAC",  # no title: called by its author
        "/summary dynamics engagement": "Summary of [2] Kerry’s Visit",
        "/summary sanctions": "Summary: sanctions",
        "/summary 7": "There is no source 7",
        "/summary ?!": "Usage: /summary",
    }
    for n, (command, expected) in enumerate(cases.items(), start=3):
        await standin.send_text(command)
        await _reply(standin, DEFAULT_USER_ID, n)
        assert _last(standin, DEFAULT_USER_ID).text.startswith(expected), command


async def test_ask_command_and_usage(running: Running) -> None:
    standin, _ = running
    await standin.send_text("/ask")
    await _reply(standin, DEFAULT_USER_ID)
    assert _last(standin, DEFAULT_USER_ID).text.startswith("Usage: /ask")
    await standin.send_text("/ask Will the sanctions be lifted?")
    await _reply(standin, DEFAULT_USER_ID, 2)
    assert "sanctions would be lifted" in _last(standin, DEFAULT_USER_ID).text


async def test_unknown_command_points_to_help(running: Running) -> None:
    standin, _ = running
    await standin.send_text("/frobnicate")
    await _reply(standin, DEFAULT_USER_ID)
    assert "/help" in _last(standin, DEFAULT_USER_ID).text


async def test_group_mentions_replies_and_other_bots(running: Running) -> None:
    standin, _ = running
    name = standin.bot_user["username"]
    # Without a mention: privacy mode withholds it, and the bot stays silent.
    await standin.send_text("Was Crimea discussed?", chat_id=GROUP, chat_type="supergroup")
    # A command for another bot is ignored.
    await standin.send_text("/summary@someotherbot", chat_id=GROUP, chat_type="supergroup")
    await standin.send_text(f"@{name} Was Crimea discussed?", chat_id=GROUP, chat_type="supergroup")
    (reply,) = await _reply(standin, GROUP)
    assert "Crimea" in _valid(str(reply.params["text"]))
    assert reply.params.get("reply_parameters") is not None  # quotes the asker in a group
    await standin.send_text(f"/sources@{name}", chat_id=GROUP, chat_type="supergroup")
    await _reply(standin, GROUP, 2)
    bot_message = _last(standin, GROUP)
    assert bot_message.message_id is not None
    await standin.send_text(
        "And sanctions?",
        chat_id=GROUP,
        chat_type="supergroup",
        reply_to_message_id=bot_message.message_id,
    )
    replies = await _reply(standin, GROUP, 3)
    assert "sanctions" in str(replies[2].params["text"])
    texts = [m.text for m in standin.messages(GROUP)]
    assert len(texts) == 3  # nothing for the unaddressed message or the other bot's command


async def test_inline_query(running: Running) -> None:
    standin, _ = running
    await standin.send_inline_query("Crimea")
    (answer,) = await standin.wait_for("answerInlineQuery")
    results = answer.params["results"]
    assert isinstance(results, list) and results
    first = results[0]
    assert "¶" in first["title"]
    _valid(first["input_message_content"]["message_text"])
    await standin.send_inline_query("")
    answers = await standin.wait_for("answerInlineQuery", count=2)
    titles = [r["title"] for r in answers[1].params["results"]]
    assert len(titles) == 2 and titles[1].startswith("2. Kerry")


async def test_non_text_messages_and_edits(running: Running) -> None:
    standin, _ = running
    await standin.send_photo()
    await standin.send_sticker()
    await standin.send_location(43.6, 39.7)
    await standin.send_voice()
    await standin.send_document()
    replies = await _reply(standin, DEFAULT_USER_ID, 5)
    texts = sorted(str(r.params["text"]) for r in replies)
    # A file from someone who is not an uploader: one polite line (tests/e2e/test_bot_uploads.py).
    assert sum("only read text" in t for t in texts) == 4
    assert sum("Only the bot's uploaders can add sources" in t for t in texts) == 1
    asked = await standin.send_text("Russia")
    await _reply(standin, DEFAULT_USER_ID, 6)
    message_id = standin.update(asked)["message"]["message_id"]
    await standin.send_edited_text("Crimea?", chat_id=DEFAULT_USER_ID, message_id=message_id)
    await standin.send_text("/help")
    await _reply(standin, DEFAULT_USER_ID, 7)
    assert len(standin.messages(DEFAULT_USER_ID)) == 7  # the edit got no reply


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Was <b>Crimea</b> & <sanctions> discussed?", "Crimea"),
        ("<script>alert(1)</script> &amp;", "nothing in the sources"),
        ("Crimea " * 715, "Crimea"),  # 5,005 characters
        ("\u200b\u200d\u2060\x07\x1b", "no words I can search for"),
        ("the of and is", "no words I can search for"),
        ("?!…—", "no words I can search for"),
        ("итоги сочинской встречи", "Гущин"),
    ],
)
async def test_awkward_messages_get_useful_replies(
    running: Running, question: str, expected: str
) -> None:
    standin, _ = running
    await standin.send_text(question)
    (reply,) = await _reply(standin, DEFAULT_USER_ID)
    assert expected in _valid(str(reply.params["text"]))


async def test_every_reply_fits_with_a_huge_answer(
    bot_settings: Settings, seed_library: Library, tmp_path: Path
) -> None:
    # One source whose paragraphs are huge: quotes must be shortened, tags kept whole.
    long_sentence = "Sochi talks <b>&amp; more</b> about sanctions and Crimea " * 200 + "."
    folder = tmp_path / "big"
    folder.mkdir()
    (folder / "big.txt").write_text("\n\n".join([long_sentence] * 4), encoding="utf-8")
    from dataclasses import replace

    r = bot_settings.retrieval
    settings = replace(
        bot_settings,
        retrieval=replace(
            r,
            sources=replace(r.sources, folders=(folder,), max_passage_chars=100_000),
            answers=replace(r.answers, max_quote_sentences=10),
        ),
    )
    library = Library.load(settings.retrieval)
    async with running_bot(settings, library) as (standin, _):
        await standin.send_text("sanctions Crimea Sochi")
        await standin.send_text("/summary 1")
        replies = await _reply(standin, DEFAULT_USER_ID, 2)
    html = str(replies[0].params["text"])
    assert "…" in _valid(html)
    assert html.count("<blockquote>") == html.count("</blockquote>") >= 1


async def test_token_never_logged(bot_settings: Settings, seed_library: Library) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    install_redaction(root)
    try:
        async with running_bot(bot_settings, seed_library) as (standin, _):
            await standin.send_text("Was Crimea discussed?")
            await _reply(standin, DEFAULT_USER_ID)
            logging.getLogger("test").debug("token in an f-string: %s", standin.token)
            token = standin.token
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    output = stream.getvalue()
    assert "getUpdates" in output or "sendMessage" in output  # DEBUG lines were captured
    assert "[REDACTED-TOKEN]" in output
    assert token not in output
    assert token.split(":")[1] not in output
    info = [line for line in output.splitlines() if not line.startswith("DEBUG")]
    assert not [line for line in info if "Crimea" in line]  # no user text at INFO and above
    assert any("kind=question length=21 found=yes" in line for line in info)


async def test_failure_is_logged_with_update_id_and_user_told(
    running: Running,
    seed_library: Library,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    standin, _ = running

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("index exploded")

    monkeypatch.setattr(seed_library, "answer", broken)
    with caplog.at_level(logging.ERROR, logger="sourcebot.updates"):
        update_id = await standin.send_text("Was Crimea discussed?")
        (reply,) = await _reply(standin, DEFAULT_USER_ID)
    assert "something went wrong" in str(reply.params["text"])
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failures and f"update={update_id}" in failures[0].getMessage()
    assert failures[0].exc_info is not None
    # The bot keeps serving: the next message is answered normally.
    monkeypatch.undo()
    await standin.send_text("/help")
    await _reply(standin, DEFAULT_USER_ID, 2)
