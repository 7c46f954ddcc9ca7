"""Reloading sources without a restart: /reload (admins only) and SIGHUP.

The bot keeps answering from the old sources while the new index is built, and every
question gets exactly one reply.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from dataclasses import replace
from pathlib import Path

from bot.app import build_application
from bot.config import Settings, load_settings
from retrieval.answer.library import Library
from tests.support.botrun import start_bot_process
from tests.support.configs import write_config
from tests.support.paths import REPO_ROOT
from tests.support.standin import DEFAULT_USER_ID, BotApiStandin

ROOT = REPO_ROOT
ADMIN = DEFAULT_USER_ID
OUTSIDER = 2002
NEW_ARTICLE = (
    "Hydrology Notes\n\nThe Mekong delta floods every monsoon season, "
    "and farmers plant floating rice to live with the water.\n"
)


def _settings(folder: Path) -> Settings:
    base = load_settings(ROOT / "config" / "bot.yaml")
    r = base.retrieval
    return replace(
        base,
        retrieval=replace(r, sources=replace(r.sources, folders=(folder,))),
        access=replace(base.access, admins=(ADMIN,)),
    )


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    return folder


async def test_reload_by_admin_picks_up_new_sources_while_answering(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    settings = _settings(folder)
    release = threading.Event()

    def slow_rebuild() -> Library:
        release.wait(10)  # hold the rebuild until questions were answered meanwhile
        return Library.load(settings.retrieval)

    async with BotApiStandin() as standin:
        app = build_application(
            settings,
            standin.token,
            lambda: Library.load(settings.retrieval),
            rebuild_library=slow_rebuild,
            base_url=standin.base_url,
        )
        async with app:
            assert app.post_init is not None and app.updater is not None
            await app.post_init(app)
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)

            await standin.send_text("/reload", user_id=OUTSIDER)
            (refusal,) = await standin.wait_for(
                "sendMessage", lambda r: r.params["chat_id"] == OUTSIDER
            )
            assert "Only the bot's admins" in str(refusal.params["text"])

            (folder / "mekong.txt").write_text(NEW_ARTICLE, encoding="utf-8")
            await standin.send_text("/reload")
            await standin.wait_for("sendMessage", lambda r: "Reloading" in str(r.params["text"]))
            # During the rebuild: the old sources answer, nothing is lost.
            for question in ("Was Crimea discussed?", "floating rice in the Mekong delta"):
                await standin.send_text(question)
            during = await standin.wait_for(
                "sendMessage", lambda r: r.params["chat_id"] == ADMIN, count=3
            )
            # Answered concurrently: in either order, both from the old sources.
            texts = sorted(str(r.params["text"]) for r in during[1:])
            assert any("Crimea" in t for t in texts)
            assert any("nothing in the sources" in t for t in texts)
            release.set()
            await standin.wait_for(
                "sendMessage", lambda r: "Reloaded: 3 sources" in str(r.params["text"])
            )
            await standin.send_text("floating rice in the Mekong delta")
            replies = await standin.wait_for(
                "sendMessage", lambda r: r.params["chat_id"] == ADMIN, count=5
            )
            assert "Hydrology Notes" in str(replies[4].params["text"])
            await app.updater.stop()
            await app.stop()
    texts = [str(r.params["text"]) for r in standin.requests if r.method == "sendMessage"]
    assert len(texts) == 6  # refusal, reloading, 2 answers during, reloaded, 1 after


async def test_sighup_reloads_a_running_bot(tmp_path: Path) -> None:
    folder = _corpus(tmp_path)
    config = write_config(tmp_path, folder)
    async with BotApiStandin() as standin:
        proc = await start_bot_process(standin, config, cwd=tmp_path)
        try:
            await standin.send_text("floating rice in the Mekong delta")
            (before,) = await standin.wait_for("sendMessage", timeout=30)
            assert "nothing in the sources" in str(before.params["text"])
            (folder / "mekong.txt").write_text(NEW_ARTICLE, encoding="utf-8")
            proc.send_signal(signal.SIGHUP)
            for _ in range(100):
                await asyncio.sleep(0.1)
                await standin.send_text("floating rice in the Mekong delta")
                replies = await standin.wait_for("sendMessage", count=_ + 2, timeout=30)
                if "Hydrology Notes" in str(replies[-1].params["text"]):
                    break
            else:
                raise AssertionError("the bot never answered from the reloaded sources")
        finally:
            proc.send_signal(signal.SIGINT)
            _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, stderr.decode()
    assert "reloaded: 3 sources" in stderr.decode()
