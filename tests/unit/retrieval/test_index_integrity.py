"""A saved index is never changed in place and is checked before it is mapped: a file cut
short, overwritten or taken from another index is a clear error naming it, and a build
never touches the version a running process serves from."""

from __future__ import annotations

import shutil
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from retrieval.answer.library import Library
from retrieval.errors import IndexLoadError
from retrieval.index.storage import current_version, load_index, new_version
from retrieval.index.update import update_index
from retrieval.settings import RetrievalSettings


def _corpus(settings: Settings, folder: Path, words: str, files: int = 3) -> RetrievalSettings:
    folder.mkdir()
    for i in range(files):
        (folder / f"{i}.txt").write_text(
            f"Report {i}\n\nThe harbour of {words} town {i} exports copper ore.\n\n"
            f"The mayor of {words} town {i} opened a bridge in spring.\n",
            encoding="utf-8",
        )
    r = settings.retrieval
    return replace(r, sources=replace(r.sources, folders=(folder,)))


@pytest.fixture
def saved(settings: Settings, tmp_path: Path) -> tuple[RetrievalSettings, Path]:
    config = _corpus(settings, tmp_path / "src", "Alpha")
    update_index(config, tmp_path / "idx")
    version = current_version(tmp_path / "idx")
    assert version is not None
    return config, version


def _writable(path: Path) -> None:
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)


@pytest.mark.parametrize(
    "name", ["par_text.bin", "eng_docs.npy", "terms.json", "src_passages.npy", "sources.json"]
)
def test_a_file_cut_short_is_named_before_anything_is_mapped(
    saved: tuple[RetrievalSettings, Path], name: str
) -> None:
    config, version = saved
    path = version / name
    _writable(path)
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size - 3)
    with pytest.raises(IndexLoadError, match=rf"{name} is .* cut short"):
        load_index(version.parent, config)


def test_a_file_with_other_contents_is_named(saved: tuple[RetrievalSettings, Path]) -> None:
    config, version = saved
    path = version / "par_text.bin"
    data = bytearray(path.read_bytes())
    data[10:16] = b"XXXXXX"  # the same size, other words
    _writable(path)
    path.write_bytes(bytes(data))
    with pytest.raises(IndexLoadError, match=r"par_text\.bin has other contents"):
        load_index(version.parent, config)


def test_files_checked_before_skip_the_checksums_until_one_changes(
    saved: tuple[RetrievalSettings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load whose checksums passed notes how the files stand; the next load of the same
    files skips the checksums (a gigabyte read at a million passages), and a file written
    since, even to the same size and modification time, is checked again and named."""
    import os

    from retrieval.index import integrity, storage

    config, version = saved
    load_index(version.parent, config)  # just built: too fresh to be noted
    assert not (version.parent / integrity.VERIFIED).exists()
    monkeypatch.setattr(integrity, "TRUST_AFTER", -1.0)  # as if the files were older
    load_index(version.parent, config)
    assert (version.parent / integrity.VERIFIED).exists()
    checked: list[Path] = []
    real = integrity.check_contents

    def spy(v: Path, sums: dict[str, dict[str, object]]) -> None:
        checked.append(v)
        real(v, sums)

    monkeypatch.setattr(storage, "check_contents", spy)
    assert load_index(version.parent, config).passage_count("0.txt") > 0
    assert checked == []
    manifest = version / "manifest.json"  # the checksums compared with: rewritten, checked
    manifest.write_text(manifest.read_text(encoding="utf-8"), encoding="utf-8")
    load_index(version.parent, config)
    assert checked == [version]
    path = version / "par_text.bin"
    before = path.stat()
    data = bytearray(path.read_bytes())
    data[10:16] = b"XXXXXX"
    _writable(path)
    path.write_bytes(bytes(data))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time moves on
    with pytest.raises(IndexLoadError, match=r"par_text\.bin has other contents"):
        load_index(version.parent, config)
    assert checked == [version, version]


def test_files_copied_over_from_another_index_are_refused(
    settings: Settings, tmp_path: Path, saved: tuple[RetrievalSettings, Path]
) -> None:
    config, version = saved
    other = _corpus(settings, tmp_path / "other", "Omega", files=5)
    update_index(other, tmp_path / "other-idx")
    other_version = current_version(tmp_path / "other-idx")
    assert other_version is not None
    for path in other_version.glob("*.npy"):
        _writable(version / path.name)
        shutil.copyfile(path, version / path.name)
    with pytest.raises(IndexLoadError, match="damaged"):
        load_index(version.parent, config)
    # `sourcebot index` rebuilds it, and the rebuilt index answers from its own sources.
    rebuilt = Library(update_index(config, version.parent).index, config)
    assert rebuilt.answer("Alpha harbour copper").found


def test_a_source_column_with_other_contents_is_named(
    saved: tuple[RetrievalSettings, Path],
) -> None:
    # The sources' strings are a file of their own, checked like the arrays.
    config, version = saved
    path = version / "sources.json"
    text = path.read_text(encoding="utf-8")
    _writable(path)
    path.write_text(text.replace("0.txt", "9.txt"), encoding="utf-8")
    with pytest.raises(IndexLoadError, match=r"sources\.json has other contents"):
        load_index(version.parent, config)


def test_written_files_are_read_only(saved: tuple[RetrievalSettings, Path]) -> None:
    _, version = saved
    files = [p for p in version.iterdir() if p.name != "manifest.json"]
    assert files and all(stat.S_IMODE(p.stat().st_mode) & 0o222 == 0 for p in files)


def test_a_build_never_takes_or_empties_another_builds_version(tmp_path: Path) -> None:
    folder = tmp_path / "idx"
    first, second = new_version(folder), new_version(folder)
    assert first != second
    (first / "half-written.npy").write_bytes(b"x")
    assert new_version(folder) not in (first, second)
    assert (first / "half-written.npy").exists()


def test_a_rebuild_leaves_the_served_version_intact(
    settings: Settings, tmp_path: Path, saved: tuple[RetrievalSettings, Path]
) -> None:
    config, version = saved
    serving = Library.load(config, version.parent)  # memory-mapped from the live version
    before = serving.answer("Alpha harbour copper")
    (tmp_path / "src" / "3.txt").write_text("Report 3\n\nA new report on tin.\n", "utf-8")
    update_index(config, version.parent)  # a /reload in another process
    assert current_version(version.parent) != version
    assert serving.answer("Alpha harbour copper") == before
