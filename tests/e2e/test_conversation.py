"""End to end, the conversation (issue 13): follow-ups by reply, by quote and by a short
message, never across chats and forgotten when idle; a summary within one source; the
More-from-source button; links to the quoted sentence of a web source and to the page of a
PDF; /help and the menu; and the README transcript, whose answers give at most a quarter of
their characters to citations. Every reply is checked as Telegram HTML within 4096.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import unquote

import pytest
from fpdf import FPDF
from telegram.ext import Application

from bot import wording as w
from bot.config import Settings
from bot.conversation import Conversations
from retrieval import Library, MetaOverride
from tests.support.botrun import running_bot
from tests.support.make_transcript import transcript
from tests.support.standin import DEFAULT_USER_ID, BotApiStandin, SentMessage
from tests.support.telegram_html import parse_telegram_html, utf16_len

Running = tuple[BotApiStandin, Application]  # type: ignore[type-arg]
MEETING = "What did Kerry and Putin discuss in Sochi?"
OTHER_USER = 2002


@pytest.fixture
async def running(settings: Settings, library: Library) -> AsyncIterator[Running]:
    async with running_bot(settings, library) as (standin, app):
        yield standin, app
        sends = {"sendMessage", "editMessageText", "answerCallbackQuery"}
        bad = [r for r in standin.requests if r.method in sends and not r.ok]
        assert not bad, f"the stand-in refused replies: {[(r.method, r.response) for r in bad]}"


async def ask(
    standin: BotApiStandin,
    text: str,
    chat: int = DEFAULT_USER_ID,
    reply_to: SentMessage | None = None,
    quote: str | None = None,
) -> SentMessage:
    """Send a message as the user of a private chat; return the bot's reply, checked."""
    sent = len([r for r in standin.requests if r.method == "sendMessage"])
    await standin.send_text(
        text,
        chat_id=chat,
        user_id=chat,
        reply_to_message_id=reply_to.message_id if reply_to else None,
        quote=quote,
    )
    (*_, reply) = await standin.wait_for("sendMessage", count=sent + 1)
    parsed = parse_telegram_html(str(reply.params["text"]))
    assert utf16_len(parsed.text) <= 4096
    return standin.messages(chat)[-1]


def lines(message: SentMessage) -> list[str]:
    return message.text.splitlines()


async def test_a_reply_to_an_answer_carries_what_it_searched(
    running: Running, library: Library
) -> None:
    standin, _ = running
    meeting = await ask(standin, MEETING)
    fresh = await ask(standin, "Sanctions?")  # alone: a new question, nothing carried
    assert not fresh.text.startswith(w.SEARCHED_FOR)
    followed = await ask(standin, "Sanctions?", reply_to=meeting)
    assert lines(followed)[0] == "Searched for: Sanctions · with: Kerry, Putin, Sochi"
    # The answer is the library's for the carried search, and not the same as without it.
    carried = library.answer("Sanctions?", context=("Kerry", "Putin", "Sochi"))
    assert carried.hits[0].quote.text in followed.text
    assert followed.text.index(carried.hits[0].quote.text) < 80
    assert lines(fresh)[0] != lines(followed)[1]


async def test_a_reply_quoting_an_answer_searches_from_the_quote(running: Running) -> None:
    standin, _ = running
    crimea = await ask(standin, "Was Crimea discussed?")
    quoted = "Russia can encourage the rebels to step up hostilities"
    assert quoted in crimea.text
    reply = await ask(standin, "what does this mean?", reply_to=crimea, quote=quoted)
    head = lines(reply)[0]
    assert head.startswith("Searched for: ")
    for word in ("rebels", "hostilities", "encourage"):
        assert word in head
    assert "land corridor" in reply.text  # the quoted passage is found


async def test_short_follow_ups_lean_on_their_own_chat_only(running: Running) -> None:
    standin, app = running
    clock = [0.0]
    app.bot_data.conversations = Conversations(expire_minutes=30, clock=lambda: clock[0])
    await ask(standin, MEETING)
    other = await ask(standin, "and sanctions?", chat=OTHER_USER)  # another chat: no context
    assert not other.text.startswith(w.SEARCHED_FOR)
    mine = await ask(standin, "and sanctions?")
    assert lines(mine)[0] == "Searched for: sanctions · with: Kerry, Putin, Sochi"
    why = await ask(standin, "why?")
    assert lines(why)[0] == "Searched for: Kerry, Putin, Sochi"
    clock[0] = 31 * 60  # idle for longer than conversation.expire_minutes
    later = await ask(standin, "and sanctions?")
    assert not later.text.startswith(w.SEARCHED_FOR)


async def test_the_full_reference_is_given_once_in_a_conversation(running: Running) -> None:
    standin, _ = running
    reference = "— Rajorshi Roy, Institute for Defence Studies and Analyses"
    first = await ask(standin, "Was Crimea discussed?")
    assert first.text.count(reference) == 1 and "[2] Roy, IDSA · " in first.text
    second = await ask(standin, "Russia")
    assert reference not in second.text and second.text.count("[2] Roy, IDSA · ") == 3
    elsewhere = await ask(standin, "Russia", chat=OTHER_USER)
    assert elsewhere.text.count(reference) == 1


async def test_a_summary_within_one_source(running: Running) -> None:
    standin, _ = running
    summary = await ask(standin, "/summary 2 sanctions")
    assert summary.text.startswith("Summary: sanctions, in [2] Kerry’s Visit To Sochi")
    labels = [line for line in lines(summary)[1:] if line.startswith("[")]
    assert labels and all(line.startswith("[2] ") for line in labels)
    quotes = [e for e in summary.entities if e["type"] == "blockquote"]
    assert len(quotes) == len(labels)  # one label a quote
    usage = await ask(standin, "/summary 9 sanctions")
    assert usage.text.startswith("There is no source 9: /sources lists 2.")


async def test_more_from_this_source(running: Running, library: Library) -> None:
    standin, _ = running
    answer = await ask(standin, MEETING)
    from_1 = [d for d in answer.callback_data() if d.startswith("f:") and d.split(":")[2] == "1"]
    assert len(from_1) == 1
    calls = len([r for r in standin.requests if r.method == "answerCallbackQuery"])
    await standin.send_callback(from_1[0], message=answer)
    await standin.wait_for("answerCallbackQuery", count=calls + 1)
    await standin.wait_for("sendMessage", count=2)
    more = standin.messages(DEFAULT_USER_ID)[-1]
    assert lines(more)[0] == "More from [1] Danilov, RIAC"
    labels = [line for line in lines(more) if line.startswith("[")]
    assert labels and all(line.startswith("[1] Danilov, RIAC · ") for line in labels)
    shown = {line for line in lines(answer) if line.startswith("[1] ")}
    assert not shown & set(labels)  # it continues after the hits already shown
    expected = library.answer(MEETING, offset=len(shown), source=1)
    assert [h.quote.text in more.text for h in expected.hits] == [True] * len(expected.hits)
    # A source with nothing more says so in the button's toast, and no button spins.
    crimea = await ask(standin, "Was Crimea discussed?")
    from_2 = next(d for d in crimea.callback_data() if d.startswith("f:") and ":2:" in d)
    calls = len([r for r in standin.requests if r.method == "answerCallbackQuery"])
    await standin.send_callback(from_2, message=crimea)
    (*_, toast) = await standin.wait_for("answerCallbackQuery", count=calls + 1)
    assert toast.params["text"] == w.NO_MORE_FROM.format(source="[2]")


def _corpus(settings: Settings, tmp_path: Path) -> Settings:
    """Return settings over a web page (with an address) and a two-page PDF (with one)."""
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "page.txt").write_text(
        "Kerry in Sochi\n\n"
        "The talks about Syria began in Geneva in the spring, with many ministers there.\n\n"
        "Kerry met Lavrov in Sochi on a sunny day in May, and the talks about Syria went "
        "well for both of the sides, said the ministers.\n",
        encoding="utf-8",
    )
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Tidal lagoons store sea water behind a wall at high tide. " * 3)
    pdf.add_page()
    pdf.multi_cell(0, 8, "The turbines of the lagoon turn both ways, so output follows the moon.")
    pdf.output(str(folder / "lagoon.pdf"))
    metadata = {
        "page.txt": MetaOverride(
            title="Kerry in Sochi", author="Ann Lee", url="https://news.example/kerry-sochi?id=7"
        ),
        "lagoon.pdf": MetaOverride(title="Lagoons", url="https://example.org/lagoon.pdf"),
    }
    r = settings.retrieval
    sources = dataclasses.replace(r.sources, folders=(folder,), metadata=metadata)
    return dataclasses.replace(settings, retrieval=dataclasses.replace(r, sources=sources))


async def test_links_to_the_quoted_sentence_and_to_the_pdf_page(
    settings: Settings, tmp_path: Path
) -> None:
    corpus = _corpus(settings, tmp_path)
    async with running_bot(corpus, Library.load(corpus.retrieval)) as (standin, _):
        web = await ask(standin, "Did Kerry meet Lavrov about Syria?")
        pdf = await ask(standin, "turbines moon")
    links = [e["url"] for e in web.entities if e["type"] == "text_link"]
    fragment = next(u for u in links if "#:~:text=" in u)
    base, _, directive = fragment.partition("#:~:text=")
    assert base == "https://news.example/kerry-sochi?id=7"
    start, end = (unquote(part) for part in directive.split(","))
    assert "-" not in directive.replace("%2D", "") and "," not in unquote(directive.split(",")[0])
    assert start.startswith("Kerry met Lavrov") and end.endswith("said the ministers.")
    assert "https://news.example/kerry-sochi?id=7" in links  # the reference's title
    # Sources are numbered by file name: lagoon.pdf is [1], page.txt [2].
    assert "[2] Lee · ¶2" in web.text and "[2] Kerry in Sochi — Ann Lee" in web.text
    assert "[1] Lagoons · p. 2" in pdf.text
    pdf_links = [e["url"] for e in pdf.entities if e["type"] == "text_link"]
    assert "https://example.org/lagoon.pdf#page=2" in pdf_links


async def test_help_lists_each_command_once_and_the_menu_is_the_same(running: Running) -> None:
    standin, _ = running
    (menu,) = await standin.wait_for("setMyCommands")
    reply = await ask(standin, "/help")
    commands = [line for line in lines(reply) if line.startswith("/")]
    assert len(commands) == len({line.split()[0] for line in commands})
    for item in menu.params["commands"]:
        (line,) = [c for c in commands if c.split()[0] == "/" + item["command"]]
        assert line.lower().endswith(item["description"].lower())


async def test_the_readme_transcript_keeps_citations_under_a_quarter() -> None:
    done = await transcript()
    assert done.share.answers >= 10
    assert done.share.ratio <= 0.25, str(done.share)
    assert "Searched for: sanctions · with: Kerry, Putin, Sochi" in done.text
    assert "[2] Roy, IDSA · Core Differences · ¶2" in done.text
