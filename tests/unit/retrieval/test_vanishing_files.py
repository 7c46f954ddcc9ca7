"""Files that vanish while the sources are being read are left out with a warning, and the
build (or the bot's reload) goes on with the rest."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from retrieval.answer.library import Library
from retrieval.index import update as indexing
from retrieval.ingest.files import SourceFile
from retrieval.settings import RetrievalSettings


def _corpus(settings: Settings, folder: Path) -> RetrievalSettings:
    folder.mkdir()
    for name, town in (("a.txt", "Alphaville"), ("b.txt", "Betatown"), ("c.txt", "Gammaburg")):
        (folder / name).write_text(
            f"{town} Report\n\nThe harbour of {town} exports copper ore.\n", encoding="utf-8"
        )
    r = settings.retrieval
    return replace(r, sources=replace(r.sources, folders=(folder,)))


def _vanish_after_listing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    real = indexing.find_source_files  # type: ignore[attr-defined]

    def listing(*args: Any, **kwargs: Any) -> list[SourceFile]:
        found: list[SourceFile] = real(*args, **kwargs)
        next(f.path for f in found if f.name == name).unlink()  # deleted right after
        return found

    monkeypatch.setattr(indexing, "find_source_files", listing)


@pytest.mark.parametrize("saved", [True, False], ids=["saved-index", "in-memory"])
def test_a_file_vanishing_during_a_rebuild_is_left_out(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saved: bool
) -> None:
    config = _corpus(settings, tmp_path / "src")
    index_dir = tmp_path / "idx" if saved else None
    Library.rebuild(config, index_dir)
    (tmp_path / "src" / "b.txt").write_text("Betatown Report\n\nNow it grows saffron.\n", "utf-8")
    _vanish_after_listing(monkeypatch, "b.txt")
    rebuilt = Library.rebuild(config, index_dir)
    assert [s.file for s in rebuilt.sources] == ["a.txt", "c.txt"]
    assert any(
        "b.txt" in w and ("vanished" in w or "cannot read" in w) for w in rebuilt.index.warnings
    )
    assert rebuilt.answer("Gammaburg harbour copper").found
