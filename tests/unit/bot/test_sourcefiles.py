"""The sources folder as the bot changes it: safe names, captions, and changes that are
done whole or not at all (the folder, sources.yaml and the library as they were)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.sourcefiles import (
    Added,
    Caption,
    Refused,
    add_upload,
    read_caption,
    remove_file,
    safe_name,
)
from retrieval import SUPPORTED_EXTENSIONS, IndexReport, RetrievalSettings, SourceError
from retrieval.answer.library import Library
from tests.conftest import TinyCorpus

ALPHA = "Alpha Notes\n\nThe glaciers of Patagonia retreat a little further every single summer.\n"
GAMMA = "Gamma Notes\n\nThe Mekong delta floods each monsoon, and farmers plant floating rice.\n"


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("notes.txt", "notes.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\Report 2024.PDF", "Report_2024.pdf"),
        (".hidden.md", "hidden.md"),
        ("..md", "upload.md"),
        ("a\x00b\nc.html", "a_b_c.html"),
        ("Статья о Сочи.txt", "Статья_о_Сочи.txt"),
        ("x" * 300 + ".jsonl", "x" * 94 + ".jsonl"),
        ("photo.jpg", None),
        ("noextension", None),
        (None, None),
        ("archive.tar.gz", None),
    ],
)
def test_safe_names(given: str | None, safe: str | None) -> None:
    assert safe_name(given, SUPPORTED_EXTENSIONS) == safe


def test_a_type_left_out_of_the_config_is_refused() -> None:
    assert safe_name("page.html", (".txt", ".md")) is None


def test_captions() -> None:
    assert read_caption(None) == Caption()
    assert read_caption("  The Title \n more words") == Caption("The Title", False)
    assert read_caption("replace") == Caption(None, True)
    assert read_caption("REPLACE\nNew Title") == Caption("New Title", True)


def _staged(tmp_path: Path, text: str | bytes, name: str = "gamma.txt") -> Path:
    staging = tmp_path / "staging"
    staging.mkdir(exist_ok=True)
    path = staging / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


class FailingLibrary(Library):
    """A library whose refresh fails half way, as a full disk would."""

    def refreshed(self, settings: RetrievalSettings | None = None) -> tuple[Library, IndexReport]:
        raise OSError(28, "No space left on device")


def test_an_upload_is_added_with_its_title(tiny_corpus: TinyCorpus, tmp_path: Path) -> None:
    settings = tiny_corpus({"alpha.txt": ALPHA})
    folder, meta = settings.sources.folders[0], tmp_path / "sources.yaml"
    meta.write_text("alpha.txt:\n  author: Ann Smith\n", encoding="utf-8")
    library = Library.load(settings)
    new, added = add_upload(
        library, _staged(tmp_path, GAMMA), "gamma.txt", folder, Caption("Rice"), meta
    )
    assert isinstance(added, Added) and new is not None
    assert [s.meta.title for s in added.sources] == ["Rice"] and not added.replaced
    assert (folder / "gamma.txt").read_text(encoding="utf-8") == GAMMA
    assert "gamma.txt:\n  title: Rice" in meta.read_text(encoding="utf-8")
    assert sorted(p.name for p in folder.iterdir()) == ["alpha.txt", "gamma.txt"]
    assert new.settings.sources.metadata["gamma.txt"].title == "Rice"


def test_a_failed_update_puts_everything_back(tiny_corpus: TinyCorpus, tmp_path: Path) -> None:
    settings = tiny_corpus({"alpha.txt": ALPHA, "gamma.txt": "Old\n\nOld text about rice.\n"})
    folder, meta = settings.sources.folders[0], tmp_path / "sources.yaml"
    meta.write_text("# mine\n", encoding="utf-8")
    base = Library.load(settings)
    failing = FailingLibrary(base.index, base.settings)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    new, result = add_upload(
        failing, _staged(tmp_path, GAMMA), "gamma.txt", folder, Caption("Rice", True), meta
    )
    assert new is None and result == Refused("gamma.txt", "failed")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert meta.read_text(encoding="utf-8") == "# mine\n"


def test_an_unreadable_or_clashing_upload_touches_nothing(
    tiny_corpus: TinyCorpus, tmp_path: Path
) -> None:
    settings = tiny_corpus({"alpha.txt": ALPHA})
    folder, meta = settings.sources.folders[0], tmp_path / "sources.yaml"
    library = Library.load(settings)
    staged = _staged(tmp_path, b"%PDF-1.4 broken", "broken.pdf")
    new, result = add_upload(library, staged, "broken.pdf", folder, Caption(), meta)
    assert new is None and isinstance(result, Refused) and result.why == "unreadable"
    assert str(staged) not in result.detail and "broken.pdf" in result.detail
    new, result = add_upload(
        library, _staged(tmp_path, GAMMA), "alpha.txt", folder, Caption(), meta
    )
    assert new is None and result == Refused("alpha.txt", "exists")
    assert [p.name for p in folder.iterdir()] == ["alpha.txt"] and not meta.exists()


def test_removing_the_last_source_fails_and_keeps_it(tiny_corpus: TinyCorpus) -> None:
    settings = tiny_corpus({"alpha.txt": ALPHA})
    library = Library.load(settings)
    origin = library.origin(1)
    assert origin is not None
    with pytest.raises(SourceError):
        remove_file(library, origin)
    assert origin.read_text(encoding="utf-8") == ALPHA
    assert [p.name for p in origin.parent.iterdir()] == ["alpha.txt"]


def test_a_file_outside_the_folders_is_never_removed(
    tiny_corpus: TinyCorpus, tmp_path: Path
) -> None:
    library = Library.load(tiny_corpus({"alpha.txt": ALPHA, "gamma.txt": GAMMA}))
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("keep me", encoding="utf-8")
    assert remove_file(library, outside) == (None, None)
    assert outside.exists()


def test_a_saved_index_is_updated_or_left_as_it_was(
    tiny_corpus: TinyCorpus, tmp_path: Path
) -> None:
    settings = tiny_corpus({"alpha.txt": ALPHA})
    folder, meta, saved = settings.sources.folders[0], tmp_path / "sources.yaml", tmp_path / "idx"
    library = Library.rebuild(settings, saved)  # writes the saved index
    current = (saved / "CURRENT").read_text(encoding="utf-8")
    failing = FailingLibrary(library.index, library.settings, saved)
    new, result = add_upload(
        failing, _staged(tmp_path, GAMMA), "gamma.txt", folder, Caption(), meta
    )
    assert new is None and (saved / "CURRENT").read_text(encoding="utf-8") == current
    assert [s.file for s in Library.load(settings, saved).sources] == ["alpha.txt"]
    new, result = add_upload(
        library, _staged(tmp_path, GAMMA), "gamma.txt", folder, Caption(), meta
    )
    assert isinstance(result, Added) and new is not None and new.index_dir == saved
    assert [s.file for s in Library.load(settings, saved).sources] == ["alpha.txt", "gamma.txt"]
