"""The saved index: same answers as in memory, incremental updates, clear load errors."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.config import Settings
from bot.json_shapes import answer_json
from retrieval.answer.answers import Answerer
from retrieval.answer.coverage import RarityScale
from retrieval.answer.library import Library
from retrieval.answer.rarity_file import RARITY
from retrieval.errors import IndexLoadError
from retrieval.index import update as indexing
from retrieval.index.storage import current_version, load_index
from retrieval.index.update import update_index
from retrieval.ingest.files import SourceFile
from retrieval.settings import RetrievalSettings
from tests.support.paths import REPO_ROOT

QUESTIONS = [
    "Was Crimea discussed?",
    "What did Lavorv say about international problems?",
    "How do I bake bread?",
    "Russia",
    "What is escalation dominance?",
]


def _settings_for(settings: Settings, folder: Path) -> RetrievalSettings:
    r = settings.retrieval
    return replace(r, sources=replace(r.sources, folders=(folder,)))


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def test_saved_index_answers_exactly_like_the_fresh_one(
    settings: Settings, library: Library, tmp_path: Path
) -> None:
    report = update_index(settings.retrieval, tmp_path / "idx")
    loaded = Library(report.index, settings.retrieval)
    assert [s.meta for s in loaded.sources] == [s.meta for s in library.sources]
    assert [list(s.paragraphs) for s in loaded.sources] == [
        list(s.paragraphs) for s in library.sources
    ]
    for question in QUESTIONS:
        assert answer_json(loaded.answer(question)) == answer_json(library.answer(question))
    assert loaded.summarize() == library.summarize()
    # Loaded arrays are views over the mapped files (plain ndarrays, for fast reads).
    assert isinstance(report.index.parts.forward.terms.base, __import__("numpy").memmap)


def test_incremental_update_redoes_only_changed_files(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    _write(folder, "a.txt", "Alpha Report\n\nThe harbour of Alphaville exports copper ore.\n")
    _write(folder, "b.txt", "Beta Report\n\nBetatown grows saffron on terraced hills.\n")
    _write(folder, "c.txt", "Gamma Report\n\nGammaburg trains falcons for the royal hunt.\n")
    cfg = _settings_for(settings, folder)
    first = update_index(cfg, tmp_path / "idx")
    assert sorted(first.added) == ["a.txt", "b.txt", "c.txt"]

    read: list[str] = []
    real = indexing.file_sources  # type: ignore[attr-defined]

    def counting(file: SourceFile, *args: Any, **kwargs: Any) -> Any:
        read.append(file.name)
        return real(file, *args, **kwargs)

    monkeypatch.setattr(indexing, "file_sources", counting)
    _write(folder, "b.txt", "Beta Report\n\nBetatown now grows lavender instead of saffron.\n")
    (folder / "c.txt").unlink()
    _write(folder, "d.txt", "Delta Report\n\nDeltaport repairs fishing boats all winter.\n")
    os.utime(folder / "a.txt", ns=(1, 1))  # touched, same content: still unchanged
    second = update_index(cfg, tmp_path / "idx")
    assert read == ["b.txt", "d.txt"]
    assert (second.added, second.changed, second.removed) == (["d.txt"], ["b.txt"], ["c.txt"])
    assert second.unchanged == ["a.txt"]
    lib = Library(second.index, cfg)
    assert [s.file for s in lib.sources] == ["a.txt", "b.txt", "d.txt"]
    assert lib.answer("lavender Betatown").found
    assert not lib.answer("falcons royal hunt Gammaburg").found
    assert lib.answer("copper ore harbour").hits[0].passage.source == "a.txt"
    # The same as building everything afresh.
    fresh = Library.load(cfg)
    for q in ("copper ore harbour", "lavender Betatown", "fishing boats winter"):
        assert answer_json(lib.answer(q)) == answer_json(fresh.answer(q))


def test_changed_settings_rebuild_everything_and_stale_index_is_refused(
    settings: Settings, tmp_path: Path
) -> None:
    update_index(settings.retrieval, tmp_path / "idx")
    other = replace(settings.retrieval, index=replace(settings.retrieval.index, k1=1.5))
    with pytest.raises(IndexLoadError, match=r"other settings.*sourcebot index"):
        load_index(tmp_path / "idx", other)
    report = update_index(other, tmp_path / "idx")
    assert len(report.added) == 2 and not report.unchanged
    assert load_index(tmp_path / "idx", other) is not None


def test_missing_and_damaged_index_are_clear_errors(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(IndexLoadError, match=r"no index in .*sourcebot index"):
        load_index(tmp_path / "none", settings.retrieval)
    update_index(settings.retrieval, tmp_path / "idx")
    version = current_version(tmp_path / "idx")
    assert version is not None
    (version / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexLoadError, match="damaged"):
        load_index(tmp_path / "idx", settings.retrieval)
    # A damaged index is rebuilt by the next `sourcebot index`.
    assert len(update_index(settings.retrieval, tmp_path / "idx").added) == 2


def test_jsonl_corpus_is_indexed_one_source_per_line(settings: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "dump"
    folder.mkdir()
    rows = [
        {"id": "1", "title": "Volcanoes", "text": "Mount Etna erupted with lava fountains."},
        {
            "id": "2",
            "title": "Glaciers",
            "text": "The Rhone glacier retreats every summer.",
            "author": "A. Ice",
            "url": "https://example.org/glaciers",
        },
    ]
    (folder / "dump.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\nnot json\n", encoding="utf-8"
    )
    report = update_index(_settings_for(settings, folder), tmp_path / "idx")
    lib = Library(report.index, _settings_for(settings, folder))
    assert [s.file for s in lib.sources] == ["dump.jsonl#1", "dump.jsonl#2"]
    assert any("dump.jsonl" in w and "3" in w for w in report.warnings)
    hit = lib.answer("glacier retreats").hits[0]
    assert (hit.meta.title, hit.meta.author, hit.meta.url) == (
        "Glaciers",
        "A. Ice",
        "https://example.org/glaciers",
    )


def test_answering_from_a_saved_index_never_maps_every_source_name(
    settings: Settings, tmp_path: Path
) -> None:
    """A million-document index: the dict of every source name takes half a second to
    make, so an answer finds its sources by the rows it read their names from."""
    folder = tmp_path / "dump"
    folder.mkdir()
    rows = [{"id": str(i), "text": f"Harbour {i} ships copper ore."} for i in range(30)]
    rows.append({"id": "ice", "text": "The Rhone glacier retreats every summer."})
    (folder / "dump.jsonl").write_text("\n".join(json.dumps(r) for r in rows), "utf-8")
    cfg = _settings_for(settings, folder)
    update_index(cfg, tmp_path / "idx")
    lib = Library(load_index(tmp_path / "idx", cfg), cfg)
    answer = lib.answer("Which glacier retreats every summer?")
    assert answer.found and answer.hits[0].meta.file == "dump.jsonl#ice"
    assert "_rows" not in vars(lib.index.records)  # the cached dict of all names: not made


def test_cli_index_then_ask_from_the_saved_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], repo_root: Path
) -> None:
    config = str(repo_root / "config" / "bot.yaml")
    folder = str(tmp_path / "idx")
    assert main(["index", "--config", config, "--index-dir", folder]) == 0
    out = capsys.readouterr().out
    assert "indexed 2 sources, 29 passages" in out and "added 2" in out
    assert main(["index", "--config", config, "--index-dir", folder]) == 0
    assert "unchanged 2" in capsys.readouterr().out
    assert (
        main(["ask", "Was Crimea discussed?", "--json", "--config", config, "--index-dir", folder])
        == 0
    )
    answer = json.loads(capsys.readouterr().out)
    assert answer["found"] and answer["passages"][0]["paragraph"] == 12
    assert main(["sources", "--config", config, "--index-dir", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no index in" in err


def test_parallel_build_equals_sequential_build(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for seed in sorted((REPO_ROOT / "seeds").glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    rows = [
        {
            "id": str(i),
            "title": f"Note {i}",
            "text": f"Harbour {i} ships copper and tin.\n\n"
            f"The mayor of town {i} opened a bridge over the river in spring.",
        }
        for i in range(300)
    ]
    lines = [json.dumps(r) for r in rows]
    # An id of an earlier chunk again (parsed again in the main process) and a bad line.
    lines[250] = json.dumps({"id": "3", "text": "A later line takes the id of note 3."})
    lines.insert(120, "not json")
    (folder / "notes.jsonl").write_text("\n".join(lines), encoding="utf-8")
    cfg = _settings_for(settings, folder)
    # Many chunks, in both builds (their documents' languages are settled a chunk at a time).
    monkeypatch.setattr("retrieval.ingest.formats.jsonl.CHUNK_BYTES", 2000)
    monkeypatch.setattr(indexing, "worker_count", lambda: 1)
    one = update_index(cfg, tmp_path / "seq")
    sequential = Library(one.index, cfg)
    monkeypatch.setattr(indexing, "worker_count", lambda: 2)
    monkeypatch.setattr(indexing, "PARALLEL_MIN_BYTES", 0)
    two = update_index(cfg, tmp_path / "par")
    parallel = Library(two.index, cfg)
    assert two.warnings == one.warnings and len(one.warnings) == 2
    assert "line 121: not valid JSON" in one.warnings[0]
    assert "line 252: id '3' already used on line 4" in one.warnings[1]
    assert [s.meta for s in parallel.sources] == [s.meta for s in sequential.sources]
    assert parallel.passage_total == sequential.passage_total == 29 + 598  # two paragraphs a note
    for q in ("Was Crimea discussed?", "copper harbour 17", "bridge over the river", "Lavorv"):
        assert answer_json(parallel.answer(q)) == answer_json(sequential.answer(q))


def test_page_copies_are_read_again_when_the_lines_their_folder_shares_change(
    settings: Settings, tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    shared = "\n".join(f"  • {item}" for item in ("Home", "News", "Sport", "Weather", "Jobs"))

    def copy(n: int) -> str:
        story = (
            f"The harbour of town {n} approved a new sea wall on Tuesday after two winters "
            "of floods that left the lower town under water for weeks."
        )
        return f"{shared}\n\nBack to Gallery\n\n{story}\n\n{story} Work begins in spring.\n"

    for n in (1, 2):
        _write(folder, f"page{n}.txt", copy(n))
    cfg = _settings_for(settings, folder)
    first = update_index(cfg, tmp_path / "idx")
    assert first.added == ["page1.txt", "page2.txt"]
    again = update_index(cfg, tmp_path / "idx")
    assert again.unchanged == ["page1.txt", "page2.txt"]
    # A third copy makes "Back to Gallery" and the menu lines shared by three files: the
    # first two are cleaned anew with them, as a fresh build would clean them.
    _write(folder, "page3.txt", copy(3))
    third = update_index(cfg, tmp_path / "idx")
    assert (third.added, third.changed, third.unchanged) == (
        ["page3.txt"],
        ["page1.txt", "page2.txt"],
        [],
    )
    fresh = Library.load(cfg)
    saved = Library(third.index, cfg)
    assert [[p.text for p in s.paragraphs] for s in saved.sources] == [
        [p.text for p in s.paragraphs] for s in fresh.sources
    ]


def test_lines_appended_to_a_jsonl_dump_are_the_only_ones_read(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "dump"
    folder.mkdir()
    dump = folder / "dump.jsonl"
    lines = [json.dumps({"id": str(i), "text": f"Harbour {i} ships copper."}) for i in range(5)]
    dump.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cfg = _settings_for(settings, folder)
    update_index(cfg, tmp_path / "idx")
    read: list[int] = []
    real = indexing.line_chunks  # type: ignore[attr-defined]

    def spy(*args: Any, **kwargs: Any) -> Any:
        read.append(kwargs.get("start", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(indexing, "line_chunks", spy)
    with dump.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"id": "new", "text": "The glacier retreats every summer."}) + "\n")
        out.write(json.dumps({"id": "3", "text": "A second document 3."}) + "\n")
    report = update_index(cfg, tmp_path / "idx")
    assert read == [dump.stat().st_size - _tail_bytes(dump)]
    assert report.changed == ["dump.jsonl"] and report.added == []
    assert any("line 7" in w and "'3' already used before" in w for w in report.warnings)
    lib = Library(report.index, cfg)
    assert [s.file for s in lib.sources][-2:] == ["dump.jsonl#4", "dump.jsonl#new"]
    assert lib.answer("glacier retreats").hits[0].meta.file == "dump.jsonl#new"
    fresh = Library(update_index(cfg, tmp_path / "fresh").index, cfg)
    assert [s.meta for s in fresh.sources] == [s.meta for s in lib.sources]
    # An edit inside the old lines is no append: the whole file is read again.
    dump.write_text(dump.read_text(encoding="utf-8").replace("Harbour 0", "Harbour 9"), "utf-8")
    read.clear()
    edited = Library(update_index(cfg, tmp_path / "idx").index, cfg)
    assert read == [0]  # no append: the file is read again from its first byte
    assert edited.answer("harbour 9 copper").hits[0].meta.file == "dump.jsonl#0"


def _tail_bytes(dump: Path) -> int:
    """Return the size of the last two lines of a file (the ones appended)."""
    last_two = dump.read_bytes().splitlines(keepends=True)[-2:]
    return sum(len(line) for line in last_two)


def test_a_clean_dump_built_in_parallel_gives_no_warning(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker's chunk comes back without its documents: the dump's tally must still count
    # them, or every parallel build of a .jsonl says it has "no usable documents".
    folder = tmp_path / "dump"
    folder.mkdir()
    rows = (
        json.dumps({"id": str(i), "text": f"Harbour {i} ships copper and tin in spring."})
        for i in range(200)
    )
    (folder / "notes.jsonl").write_text("\n".join(rows), encoding="utf-8")
    monkeypatch.setattr("retrieval.ingest.formats.jsonl.CHUNK_BYTES", 2000)
    monkeypatch.setattr(indexing, "worker_count", lambda: 2)
    monkeypatch.setattr(indexing, "PARALLEL_MIN_BYTES", 0)
    built = update_index(_settings_for(settings, folder), tmp_path / "par")
    assert built.warnings == []
    assert len(built.index.sources) == 200


def test_a_saved_index_keeps_its_rarity_scale_for_the_next_start(
    settings: Settings, library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "idx"
    update_index(settings.retrieval, folder)
    first = Library.load(settings.retrieval, folder).answerer.rarity
    assert (folder / RARITY).is_file()
    fresh = library.answerer.rarity  # fitted on the same sources, never saved
    assert (first.weights, first.rarest) == (fresh.weights, fresh.rarest)

    def fitted_again(self: Answerer, language: str) -> RarityScale:
        raise AssertionError("the saved scale was not read")

    with monkeypatch.context() as patch:
        patch.setattr(Answerer, "_fitted_rarity", fitted_again)
        again = Library.load(settings.retrieval, folder)
        assert (again.answerer.rarity.weights, again.answerer.rarity.rarest) == (
            first.weights,
            first.rarest,
        )
        for question in QUESTIONS:
            assert answer_json(again.answer(question)) == answer_json(library.answer(question))

    # A damaged file, or one kept for another version of the index: fitted again, and saved.
    saved = json.loads((folder / RARITY).read_text(encoding="utf-8"))
    for damaged in ("{not json", json.dumps({**saved, "key": "v0|other"})):
        (folder / RARITY).write_text(damaged, encoding="utf-8")
        scale = Library.load(settings.retrieval, folder).answerer.rarity
        assert (scale.weights, scale.rarest) == (first.weights, first.rarest)
        assert json.loads((folder / RARITY).read_text(encoding="utf-8")) == saved
