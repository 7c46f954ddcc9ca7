"""A folder writer racing the build: a file checked when found and swapped before it is read
(for a link to a secret outside the folder, a link retargeted, a folder replaced by a link,
a pipe) is skipped with a warning, never read, never quoted, never a hang."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from retrieval.answer.library import Library
from retrieval.index import update as indexing
from retrieval.ingest.files import SourceFile
from retrieval.settings import RetrievalSettings

SECRET = "TELEGRAM_BOT_TOKEN=123456789:the-secret-that-must-never-be-quoted"


@pytest.fixture
def corpus(settings: Settings, tmp_path: Path) -> RetrievalSettings:
    folder = tmp_path / "src"
    (folder / "sub").mkdir(parents=True)
    for name in ("a.txt", "b.txt", "sub/c.txt", "inside.txt"):
        town = name.replace("/", " ").replace(".txt", "").title()
        (folder / name).write_text(
            f"{town} Report\n\nThe harbour of {town} exports copper ore.\n", encoding="utf-8"
        )
    (folder / "link.txt").symlink_to(folder / "inside.txt")  # a link inside: allowed
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".env").write_text(f"Secrets\n\n{SECRET}\n", encoding="utf-8")
    (outside / "c.txt").write_text(f"Other Report\n\n{SECRET}\n", encoding="utf-8")
    r = settings.retrieval
    return replace(r, sources=replace(r.sources, folders=(folder,)))


def _swap_after_listing(monkeypatch: pytest.MonkeyPatch, swap: Callable[[Path], None]) -> None:
    real = indexing.find_source_files  # type: ignore[attr-defined]

    def listing(*args: Any, **kwargs: Any) -> list[SourceFile]:
        found: list[SourceFile] = real(*args, **kwargs)
        swap(found[0].path.parent if found[0].name != "sub/c.txt" else found[0].path.parents[1])
        return found

    monkeypatch.setattr(indexing, "find_source_files", listing)


def _link_to_secret(folder: Path) -> None:
    (folder / "a.txt").unlink()
    (folder / "a.txt").symlink_to(folder.parent / "outside" / ".env")


def _retarget_link(folder: Path) -> None:
    (folder / "link.txt").unlink()
    (folder / "link.txt").symlink_to(folder.parent / "outside" / ".env")


def _folder_for_link(folder: Path) -> None:
    (folder / "sub").rename(folder.parent / "moved-sub")
    (folder / "sub").symlink_to(folder.parent / "outside")


def _pipe(folder: Path) -> None:
    (folder / "b.txt").unlink()
    os.mkfifo(folder / "b.txt")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("saved", [True, False], ids=["saved-index", "in-memory"])
@pytest.mark.parametrize(
    ("swap", "victim"),
    [
        (_link_to_secret, "a.txt"),
        (_retarget_link, "link.txt"),
        (_folder_for_link, "sub/c.txt"),
        (_pipe, "b.txt"),
    ],
    ids=["file-to-link", "link-retargeted", "folder-to-link", "pipe"],
)
def test_a_file_swapped_after_it_was_checked_is_not_read(
    corpus: RetrievalSettings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    swap: Callable[[Path], None],
    victim: str,
    saved: bool,
) -> None:
    _swap_after_listing(monkeypatch, swap)
    library = Library.rebuild(corpus, tmp_path / "idx" if saved else None)
    texts = [p.text for s in library.sources for p in s.paragraphs]
    assert not [t for t in texts if "secret" in t]
    assert victim not in [s.file for s in library.sources]
    assert any(victim in w for w in library.index.warnings)
    assert len(library.sources) >= 3  # the others are read as usual
