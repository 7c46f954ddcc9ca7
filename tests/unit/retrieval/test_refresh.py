"""Refreshing an in-memory library: only the files added or changed are read, removed files'
sources are dropped, and the result answers as a fresh build of the same files does."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from retrieval import MetaOverride
from retrieval.answer.library import Library
from retrieval.index import update as indexing
from tests.conftest import TinyCorpus

ALPHA = "Alpha Notes\n\nThe glaciers of Patagonia retreat a little further every single summer.\n"
BETA = "Beta Notes\n\nBees in Provence gather lavender nectar through the whole of July.\n"
GAMMA = "Gamma Notes\n\nThe Mekong delta floods each monsoon, and farmers plant floating rice.\n"


def _question_files(library: Library) -> list[str]:
    return [s.file for s in library.sources]


def test_refresh_reads_only_what_changed(tiny_corpus: TinyCorpus) -> None:
    settings = tiny_corpus({"alpha.txt": ALPHA, "beta.txt": BETA})
    library = Library.load(settings)
    folder = settings.sources.folders[0]
    (folder / "gamma.txt").write_text(GAMMA, encoding="utf-8")
    added, report = library.refreshed()
    assert (report.added, report.changed, report.removed) == (["gamma.txt"], [], [])
    assert report.unchanged == ["alpha.txt", "beta.txt"]
    assert added.answer("What do farmers plant in the Mekong delta?").found
    assert _question_files(library) == ["alpha.txt", "beta.txt"]  # the old one is untouched

    fresh = Library.load(settings)
    question = "Which nectar do bees gather in Provence?"
    assert added.answer(question) == fresh.answer(question)

    (folder / "beta.txt").unlink()
    removed, report = added.refreshed()
    assert report.removed == ["beta.txt"]
    assert _question_files(removed) == ["alpha.txt", "gamma.txt"]
    assert not removed.answer(question).found


def test_a_changed_file_or_title_is_read_again(tiny_corpus: TinyCorpus) -> None:
    settings = tiny_corpus({"alpha.txt": ALPHA, "beta.txt": BETA})
    library = Library.load(settings)
    path = settings.sources.folders[0] / "alpha.txt"
    path.write_text(ALPHA.replace("summer", "winter"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    changed, report = library.refreshed()
    assert report.changed == ["alpha.txt"] and report.unchanged == ["beta.txt"]

    titled = dataclasses.replace(
        settings,
        sources=dataclasses.replace(
            settings.sources, metadata={"beta.txt": MetaOverride(title="Bees of Provence")}
        ),
    )
    renamed, report = changed.refreshed(titled)
    assert report.changed == ["beta.txt"] and report.unchanged == ["alpha.txt"]
    assert [s.meta.title for s in renamed.sources] == ["Alpha Notes", "Bees of Provence"]


def test_read_file_says_what_a_file_holds_without_indexing_it(
    tiny_corpus: TinyCorpus, tmp_path: Path
) -> None:
    library = Library.load(tiny_corpus({"alpha.txt": ALPHA}))
    upload = tmp_path / "incoming.txt"
    upload.write_text(GAMMA, encoding="utf-8")
    sources, warnings = library.read_file(upload, "gamma.txt")
    assert [s.meta.file for s in sources] == ["gamma.txt"] and not warnings
    assert library.example_for(sources[0]) == "What do the sources say about Mekong?"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    sources, warnings = library.read_file(broken, "broken.pdf")
    assert sources == () and "not a readable PDF" in warnings[0]
    assert len(library.sources) == 1


def test_a_grown_dump_reads_only_its_new_lines_unless_its_entries_changed(
    tiny_corpus: TinyCorpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [json.dumps({"id": str(i), "text": f"Harbour {i} ships copper."}) for i in range(5)]
    settings = tiny_corpus({"dump.jsonl": "\n".join(lines) + "\n"})
    dump = settings.sources.folders[0] / "dump.jsonl"
    library, _ = Library.load(settings).refreshed()  # its stamps now carry content hashes
    read: list[int] = []
    real = indexing.line_chunks  # type: ignore[attr-defined]

    def spy(*args: Any, **kwargs: Any) -> Any:
        read.append(kwargs.get("start", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(indexing, "line_chunks", spy)
    size = dump.stat().st_size
    with dump.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"id": "new", "text": "The glacier retreats every summer."}) + "\n")
    grown, report = library.refreshed()
    assert read == [size] and report.changed == ["dump.jsonl"]
    assert grown.answer("glacier retreats").hits[0].meta.file == "dump.jsonl#new"

    # Grown again, and an entry for one of its old documents: the whole file is read.
    with dump.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"id": "late", "text": "Lavender blooms in July."}) + "\n")
    entry = {"dump.jsonl#0": MetaOverride(title="The First Harbour")}
    titled = dataclasses.replace(
        settings, sources=dataclasses.replace(settings.sources, metadata=entry)
    )
    read.clear()
    again, report = grown.refreshed(titled)
    assert read == [0] and report.changed == ["dump.jsonl"]
    assert again.sources[0].meta.title == "The First Harbour"
    assert [s.file for s in again.sources][-2:] == ["dump.jsonl#new", "dump.jsonl#late"]
