"""Adding sources by sending files and removing them with /remove, through the real bot and
the Bot API stand-in: what an uploader gets, what everyone else gets, files that change
nothing, and questions asked while the sources change."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from fpdf import FPDF

from bot.config import Settings, load_settings
from retrieval import IndexReport, RetrievalSettings
from retrieval.answer.library import Library
from tests.support.botrun import Running, running_bot
from tests.support.paths import REPO_ROOT
from tests.support.standin import DEFAULT_USER_ID, BotApiStandin

ADMIN = DEFAULT_USER_ID
UPLOADER = 3003
OUTSIDER = 4004
MB = 1 << 20


def _pdf(*paragraphs: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 8, paragraph)
        pdf.ln(4)
    return bytes(pdf.output())


HTML = """<!DOCTYPE html><html lang="en"><head><title>Coral Survey</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Coral Survey</h1>
<p>Divers counted the parrotfish on the outer reef of Belize during the spring survey, and
found twice as many as the year before.</p>
<p>The survey team said the recovery followed the ban on trap fishing that began in 2019,
and that the reef crest was the place where the parrotfish gathered most.</p>
</article><footer>Copyright 2024</footer></body></html>"""

# (file name, content, question, a word the answer quotes)
UPLOADS: tuple[tuple[str, bytes, str, str], ...] = (
    (
        "glaciers.txt",
        b"Glacier Notes\n\nThe glaciers of Patagonia retreat further every summer, "
        b"and the meltwater feeds the turquoise lakes below them.\n",
        "What feeds the turquoise lakes of Patagonia?",
        "meltwater",
    ),
    (
        "bees.md",
        b"# Bee Notes\n\nBees in **Provence** gather lavender nectar through the whole of "
        b"July, and the beekeepers move the hives up the hills at night.\n",
        "When do the beekeepers of Provence move the hives?",
        "night",
    ),
    ("coral.html", HTML.encode(), "How many parrotfish did the divers count in Belize?", "twice"),
    (
        "volcano.pdf",
        _pdf(
            "Volcano Notes",
            "The lava lake of Nyiragongo drained in a few hours in 2002, and the flows "
            "reached the city of Goma on the shore of Lake Kivu.",
        ),
        "Which city did the lava flows of Nyiragongo reach?",
        "Goma",
    ),
    (
        "salt.jsonl",
        json.dumps(
            {
                "id": "a1",
                "title": "Salt Notes",
                "text": "The salt flats of Uyuni hold a large share of the world's lithium "
                "under a crust that floods into a mirror in the rainy season.",
            }
        ).encode()
        + b"\n",
        "What do the salt flats of Uyuni hold?",
        "lithium",
    ),
)


def _settings(tmp_path: Path) -> Settings:
    folder = tmp_path / "sources"
    folder.mkdir()
    for seed in sorted((REPO_ROOT / "seeds").glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    base = load_settings(REPO_ROOT / "config" / "bot.yaml")
    r = base.retrieval
    return replace(
        base,
        retrieval=replace(r, sources=replace(r.sources, folders=(folder,))),
        access=replace(base.access, admins=(ADMIN,), uploaders=(UPLOADER,)),
        limits=replace(base.limits, upload_max_mb=1, questions_per_minute=0),
        metadata_path=tmp_path / "sources.yaml",
    )


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Running]:
    settings = _settings(tmp_path)
    async with running_bot(settings, Library.load(settings.retrieval)) as run:
        yield run


async def _replies(standin: BotApiStandin, chat: int, count: int) -> list[str]:
    found = await standin.wait_for(
        "sendMessage", lambda r: r.params["chat_id"] == chat, count=count, timeout=60
    )
    return [str(r.params["text"]) for r in found]


def _folder(app: object) -> Path:
    return app.bot_data.settings.retrieval.sources.folders[0]  # type: ignore[attr-defined,no-any-return]


def _state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


async def test_an_uploader_adds_every_supported_type_and_asks_about_it(running: Running) -> None:
    standin, app = running
    sent = 0
    for name, data, question, word in UPLOADS:
        await standin.send_document(file_name=name, data=data, user_id=UPLOADER)
        sent += 1
        added = (await _replies(standin, UPLOADER, sent))[-1]
        assert added.startswith(f"<b>Added {name}:</b>"), added
        assert "paragraphs" in added and "Try asking: " in added
        await standin.send_text(question, user_id=UPLOADER)
        sent += 1
        answer = (await _replies(standin, UPLOADER, sent))[-1]
        assert word in answer, (name, answer)
    assert sorted(p.name for p in _folder(app).iterdir()) == sorted(
        [n for n, *_ in UPLOADS] + [p.name for p in (REPO_ROOT / "seeds").glob("*.txt")]
    )
    await standin.send_text("/sources", user_id=UPLOADER)
    listing = (await _replies(standin, UPLOADER, sent + 1))[-1]
    assert "7 sources" in listing and "volcano.pdf · 1 ¶" in listing and "Salt Notes" in listing


async def test_the_reply_names_the_source_its_number_and_a_title_from_the_caption(
    running: Running, tmp_path: Path
) -> None:
    standin, app = running
    _, data, _, _ = UPLOADS[0]
    await standin.send_document(
        file_name="../../etc/Glacier notes!.TXT",
        data=data,
        caption="Patagonian Ice\nsent from the field",
        user_id=ADMIN,
    )
    (reply,) = await _replies(standin, ADMIN, 1)
    assert "Added Glacier_notes.txt" in reply
    assert "3. Patagonian Ice · 1 paragraphs" in reply
    assert "Try asking: What do the sources say about Patagonia?" in reply
    assert (_folder(app) / "Glacier_notes.txt").read_bytes() == data
    assert "Patagonian Ice" in (tmp_path / "sources.yaml").read_text(encoding="utf-8")
    # The same name again is refused unless the caption says replace.
    await standin.send_document(file_name="Glacier_notes.txt", data=b"Other\n\nText.\n")
    assert (
        "already a source file named Glacier_notes.txt" in (await _replies(standin, ADMIN, 2))[-1]
    )
    await standin.send_document(
        file_name="Glacier_notes.txt",
        data=b"Glaciers Revisited\n\nThe glaciers of Patagonia advanced in the cold decade.\n",
        caption="replace",
    )
    replaced = (await _replies(standin, ADMIN, 3))[-1]
    assert "Replaced Glacier_notes.txt" in replaced and "3. Patagonian Ice" in replaced
    assert app.bot_data.library is not None and len(app.bot_data.library.sources) == 3


async def test_an_outsider_upload_is_refused_politely(running: Running) -> None:
    standin, app = running
    before = _state(_folder(app))
    await standin.send_document(
        file_name="notes.txt", data=b"Notes\n\nSome text.\n", user_id=OUTSIDER
    )
    (reply,) = await _replies(standin, OUTSIDER, 1)
    assert (
        reply
        == "Only the bot's uploaders can add sources by sending files. Send me a question instead."
    )
    assert _state(_folder(app)) == before
    assert not [r for r in standin.requests if r.method == "getFile"]


async def test_broken_oversize_and_wrong_type_files_change_nothing(running: Running) -> None:
    standin, app = running
    folder = _folder(app)
    before, library = _state(folder), app.bot_data.library
    sends = (
        ("report.pdf", b"%PDF-1.4\nthis is not a PDF at all", None),
        ("huge.txt", b"small", 30 * MB),  # the size Telegram reports
        ("photo.jpg", b"\xff\xd8\xff", None),
        ("blank.txt", b"\n\n   \n", None),
    )
    for n, (name, data, size) in enumerate(sends, start=1):
        await standin.send_document(file_name=name, data=data, file_size=size, user_id=UPLOADER)
        await _replies(standin, UPLOADER, n)  # one at a time: replies come in their order
    broken, huge, wrong, blank = await _replies(standin, UPLOADER, 4)
    assert "I could not read any text from report.pdf" in broken and "not a readable PDF" in broken
    assert "/tmp" not in broken
    assert huge == "huge.txt is 30.0 MB; sources I accept are at most 1 MB."
    assert wrong.startswith("I can add .htm, .html, .jsonl, .md, .pdf or .txt files")
    assert "I could not read any text from blank.txt" in blank
    assert _state(folder) == before
    assert app.bot_data.library is library  # the index was not swapped
    fetched = [r.params["file_id"] for r in standin.requests if r.method == "getFile"]
    assert len(fetched) == 2  # the PDF and the blank file: never the oversize one


async def test_remove_asks_for_confirmation_then_the_source_is_gone(running: Running) -> None:
    standin, app = running
    _, data, question, _ = UPLOADS[3]
    await standin.send_document(file_name="volcano.pdf", data=data, user_id=ADMIN)
    await _replies(standin, ADMIN, 1)
    await standin.send_text(question)
    assert "Goma" in (await _replies(standin, ADMIN, 2))[-1]
    await standin.send_text("/remove 3", user_id=UPLOADER)
    assert "Only the bot's admins can use /remove" in (await _replies(standin, UPLOADER, 1))[0]
    await standin.send_text("/remove 9")
    assert "There is no source 9: /sources lists 3." in (await _replies(standin, ADMIN, 3))[-1]
    await standin.send_text("/remove 3")
    await _replies(standin, ADMIN, 4)
    (ask,) = [m for m in standin.messages(ADMIN) if m.text.startswith("Remove source 3")]
    assert "volcano.pdf" in ask.text and (_folder(app) / "volcano.pdf").exists()
    (data_remove,) = ask.callback_data()
    await standin.send_callback(data_remove, message=ask, user_id=UPLOADER)
    await standin.wait_for("answerCallbackQuery")
    assert (_folder(app) / "volcano.pdf").exists()  # not an admin: nothing happened
    await standin.send_callback(data_remove, message=ask)
    await standin.wait_for(
        "editMessageText", lambda r: "Removed volcano.pdf" in str(r.params["text"]), timeout=60
    )
    assert not (_folder(app) / "volcano.pdf").exists()
    await standin.send_text(question)
    assert "Goma" not in (await _replies(standin, ADMIN, 5))[-1]
    await standin.send_text("/sources")
    assert "Volcano" not in (await _replies(standin, ADMIN, 6))[-1]
    # The same button again refers to a file that is gone: nothing else is removed.
    await standin.send_callback(data_remove, message=ask)
    await standin.wait_for(
        "editMessageText", lambda r: "changed since" in str(r.params["text"]), timeout=60
    )
    assert len([p for p in _folder(app).iterdir() if p.suffix == ".txt"]) == 2


class HeldLibrary(Library):
    """A library whose refresh waits for the test to let it go (an upload that takes long)."""

    release = threading.Event()

    def refreshed(self, settings: RetrievalSettings | None = None) -> tuple[Library, IndexReport]:
        self.release.wait(30)
        return super().refreshed(settings)


async def test_questions_during_an_upload_are_each_answered_once(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    base = Library.load(settings.retrieval)
    held = HeldLibrary(base.index, base.settings)
    questions = [f"Was Crimea discussed? ({n})" for n in range(6)]
    async with running_bot(settings, held) as (standin, app):
        _, data, question, word = UPLOADS[0]
        await standin.send_document(file_name="glaciers.txt", data=data, user_id=UPLOADER)
        await standin.wait_for("getFile")
        await asyncio.sleep(0.2)  # the upload is now waiting in its refresh
        for text in questions:
            await standin.send_text(text, user_id=UPLOADER)
        during = await _replies(standin, UPLOADER, len(questions))
        assert all("Crimea" in t for t in during)
        assert app.bot_data.library is held  # answered from the old sources meanwhile
        HeldLibrary.release.set()
        added = (await _replies(standin, UPLOADER, len(questions) + 1))[-1]
        assert "Added glaciers.txt" in added
        await standin.send_text(question, user_id=UPLOADER)
        assert word in (await _replies(standin, UPLOADER, len(questions) + 2))[-1]
    replies = [r for r in standin.requests if r.method == "sendMessage"]
    assert len(replies) == len(questions) + 2  # each question once, the upload once, the last


async def test_stats_shows_answer_time_sources_and_index_size(running: Running) -> None:
    standin, _ = running
    await standin.send_text("Was Crimea discussed?")
    await _replies(standin, ADMIN, 1)
    await standin.send_text("/stats")
    stats = (await _replies(standin, ADMIN, 2))[-1]
    assert "Questions answered: 1" in stats and "Found nothing: 0 (0%)" in stats
    assert "Answer time, 95th percentile: " in stats and "(last 1 questions)" in stats
    assert "Sources: 2; index: 29 passages, " in stats and " terms" in stats
    assert "Crimea" not in stats
