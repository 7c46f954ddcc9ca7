"""Hostile source folders: whatever lies in them, a build indexes the good files and names the bad.

This module owns the contract of retrieval.sources.find_source_files and the readers behind
build_index and update_index on files nobody should have put there: binary
data under a text extension, invalid UTF-8, a 200 MB file, a JSONL line of 200 MB,
symlink loops, links out of the source folder, pipes, empty files, undecodable file names,
hostile JSON. With sources.on_error "skip" each bad file is skipped with a warning naming
it; with "error" the build stops with a SourceError naming it; never a traceback, a hang,
200 MB in memory, or a file from outside the folder in the index. Then: a 10 MB JSONL line
and 5,000 tiny files index quickly, and random bytes under every extension are fuzzed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as fuzz_settings
from hypothesis import strategies as st

from bot.config import Settings
from retrieval.answer.library import Library
from retrieval.errors import SourceError
from retrieval.index.update import build_index, update_index
from retrieval.ingest.cleaning import _drop_repeats
from retrieval.settings import OnError, RetrievalSettings
from retrieval.text.repeats import repeat_key
from tests.conftest import TinyCorpus

GOOD = "Kerry met Lavrov in Geneva.\n\nThey talked about sanctions and the war in Ukraine.\n"
SECRET = "The launch code is swordfish and nobody outside may read it."
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16
BIG = 200 << 20
BUILDS = ("build_index", "update_index")


def build(cfg: RetrievalSettings, how: str) -> tuple[list[str], list[str]]:
    """Return the file names of the sources one build path read, and its warnings."""
    if how == "build_index":
        index = build_index(cfg)
        return [s.file for s in index.sources], list(index.warnings)
    folder = cfg.sources.folders[0]
    report = update_index(cfg, folder.with_name(folder.name + "-index"))
    return [s.file for s in report.index.sources], report.warnings


def indexed_text(cfg: RetrievalSettings) -> str:
    index = build_index(cfg)
    return "\n".join(p.text for p in index.passages)


# --- One bad thing next to a good file ------------------------------------------------------

Setup = Callable[[Path, Path], str]  # (source folder, a folder outside it) -> the bad name


def _write(name: str, content: bytes) -> Setup:
    def setup(folder: Path, outside: Path) -> str:
        (folder / name).write_bytes(content)
        return name

    return setup


def _sparse(name: str, head: bytes = b"") -> Setup:
    """A 200 MB file made in no time: head, then a hole of zeros (nothing written to disk)."""

    def setup(folder: Path, outside: Path) -> str:
        with (folder / name).open("wb") as out:
            out.write(head)
            out.truncate(BIG)
        return name

    return setup


def _loop(folder: Path, outside: Path) -> str:
    (folder / "sub").mkdir(exist_ok=True)
    (folder / "sub" / "loop").symlink_to("..", target_is_directory=True)
    return "loop"


def _file_loop(folder: Path, outside: Path) -> str:
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    return "a.txt"


def _dangling(folder: Path, outside: Path) -> str:
    (folder / "gone.txt").symlink_to(outside / "no-such-file.txt")
    return "gone.txt"


def _link_out(folder: Path, outside: Path) -> str:
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    return "link.txt"


def _chain_out(folder: Path, outside: Path) -> str:
    # Inside, then out: the last hop decides.
    (folder / "hop.txt").symlink_to(outside / "secret.txt")
    (folder / "chain.txt").symlink_to("hop.txt")
    return "chain.txt"


def _folder_out(folder: Path, outside: Path) -> str:
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    return "elsewhere"


def _fifo(folder: Path, outside: Path) -> str:
    os.mkfifo(folder / "pipe.txt")  # reading it would wait for a writer forever
    return "pipe.txt"


def _bad_name(folder: Path, outside: Path) -> str:
    (folder / os.fsdecode(b"caf\xe9.txt")).write_bytes(GOOD.encode())
    return "caf\ufffd.txt"  # as the warning shows it


def _long_jsonl_line(folder: Path, outside: Path) -> str:
    # Blank lines past the binary sniff, then one line of 200 MB (a hole of zeros).
    _sparse("dump.jsonl", b" \n" * 5000)(folder, outside)
    return "dump.jsonl"


CASES: dict[str, tuple[Setup, str]] = {
    # name -> (what to put in the folder, what the warning or error must say)
    "binary .txt": (_write("image.txt", BINARY), "binary data"),
    "binary .md": (_write("image.md", BINARY), "binary data"),
    "binary .html": (_write("image.html", BINARY), "binary data"),
    "binary .pdf": (_write("image.pdf", BINARY), "not a readable PDF"),
    "binary .jsonl": (_write("image.jsonl", BINARY), "binary data"),
    # A .txt or .md in another encoding is read (retrieval/ingest/formats/decoding.py);
    # UTF-16 without its byte order mark has NUL bytes, and reads as the binary data it
    # looks like.
    "UTF-16 .txt without a BOM": (
        _write("wide.txt", "Tides rise.\n".encode("utf-16-le")),
        "binary data",
    ),
    "invalid UTF-8 .jsonl": (_write("broken.jsonl", b'{"id": 1, "text": "\xff"}\n'), "not UTF-8"),
    "200 MB .txt": (_sparse("huge.txt"), "over sources.max_file_mb"),
    "200 MB .pdf": (_sparse("huge.pdf", b"%PDF-1.7\n"), "over sources.max_file_mb"),
    "200 MB .jsonl line": (_long_jsonl_line, "longer than sources.max_file_mb"),
    "symlink loop (folder)": (_loop, "link to a folder"),
    "symlink loop (files)": (_file_loop, "loop of links"),
    "dangling symlink": (_dangling, "missing file"),
    "symlink to a file outside": (_link_out, "outside the source folder"),
    "symlink chain leading outside": (_chain_out, "outside the source folder"),
    "symlink to a folder outside": (_folder_out, "link to a folder"),
    "named pipe": (_fifo, "not a regular file"),
    "file name not UTF-8": (_bad_name, "not UTF-8"),
    "empty .txt": (_write("empty.txt", b""), "no text left"),
    "empty .md": (_write("empty.md", b"\n \n"), "no text left"),
    "empty .html": (_write("empty.html", b""), "no article text"),
    "empty .pdf": (_write("empty.pdf", b""), "not a readable PDF"),
    "empty .jsonl": (_write("empty.jsonl", b""), "no usable documents"),
}


@pytest.mark.timeout(20)
@pytest.mark.parametrize("how", BUILDS)
@pytest.mark.parametrize("on_error", ["skip", "error"])
@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_file_is_skipped_with_a_warning_or_an_error_naming_it(
    tiny_corpus: TinyCorpus, tmp_path: Path, case: str, on_error: OnError, how: str
) -> None:
    setup, why = CASES[case]
    outside = tmp_path / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    # 5 MB: a JSONL line is held up to the limit (twice, while read) before it is refused.
    cfg = tiny_corpus({"good.txt": GOOD}, on_error=on_error, max_file_mb=5)
    folder = cfg.sources.folders[0]
    bad = setup(folder, outside)
    tracemalloc.start()
    try:
        if on_error == "error":
            with pytest.raises(SourceError) as err:
                build(cfg, how)
            message = str(err.value)
        else:
            files, warnings = build(cfg, how)
            assert files == ["good.txt"]  # nothing of the bad file, nothing from outside
            named = [w for w in warnings if bad in w]
            assert named, warnings
            assert all("\n" not in w for w in warnings)
            message = " | ".join(named)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        for path in folder.iterdir():  # the 200 MB files are holes, but do not keep them
            if path.stat(follow_symlinks=False).st_size >= BIG:
                path.unlink()
    assert bad in message and why in message, message
    assert peak < 20 << 20, f"{peak / 2**20:.0f} MB in memory"


@pytest.mark.parametrize("how", BUILDS)
def test_nothing_from_outside_the_folder_reaches_the_index(
    tiny_corpus: TinyCorpus, tmp_path: Path, how: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    cfg = tiny_corpus({"good.txt": GOOD, "sub/inner.txt": "Lavrov spoke in Sochi.\n"})
    folder = cfg.sources.folders[0]
    for setup in (_link_out, _chain_out, _folder_out, _loop):
        setup(folder, outside)
    (folder / "alias.txt").symlink_to(folder / "sub" / "inner.txt")  # inside: read
    files, warnings = build(cfg, how)
    assert files == ["alias.txt", "good.txt", "sub/inner.txt"]
    assert len(warnings) == 5  # link.txt, hop.txt, chain.txt, elsewhere, sub/loop
    assert "swordfish" not in indexed_text(cfg)


def test_a_linked_source_folder_is_walked_as_itself(
    tiny_corpus: TinyCorpus, tmp_path: Path
) -> None:
    cfg = tiny_corpus({"good.txt": GOOD})
    folder = cfg.sources.folders[0]
    (tmp_path / "articles").symlink_to(folder, target_is_directory=True)
    linked = dataclasses.replace(cfg.sources, folders=(tmp_path / "articles",))
    index = build_index(dataclasses.replace(cfg, sources=linked))
    assert [s.file for s in index.sources] == ["good.txt"]
    assert index.warnings == ()


def test_max_file_mb_is_the_limit(tiny_corpus: TinyCorpus) -> None:
    two_mb = ("Sanctions were discussed at length. " * 60_000).encode()
    cfg = tiny_corpus({"good.txt": GOOD, "long.txt": two_mb}, max_file_mb=1)
    files, warnings = build(cfg, "build_index")
    assert files == ["good.txt"]
    assert len(warnings) == 1 and "long.txt is 2 MB, over sources.max_file_mb (1 MB)" in warnings[0]
    cfg = tiny_corpus({"good.txt": GOOD, "long.txt": two_mb}, max_file_mb=3)
    assert build(cfg, "build_index")[0] == ["good.txt", "long.txt"]


def test_only_bad_files_is_one_error_naming_a_few(tiny_corpus: TinyCorpus) -> None:
    cfg = tiny_corpus({f"bad{i:02}.txt": BINARY for i in range(40)})
    with pytest.raises(SourceError, match=r"^no usable sources: ") as err:
        build(cfg, "build_index")
    message = str(err.value)
    assert "bad00.txt" in message and "bad39.txt" not in message
    assert message.endswith("; and 35 more")


def test_a_link_is_the_only_file_is_one_error_naming_it(
    tiny_corpus: TinyCorpus, tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    cfg = tiny_corpus({})
    (cfg.sources.folders[0] / "link.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(SourceError, match=r"^no usable sources: .*link\.txt is a link"):
        build(cfg, "update_index")


# --- Hostile JSON Lines ----------------------------------------------------------------------


def test_hostile_jsonl_lines_are_skipped_or_mended(tiny_corpus: TinyCorpus) -> None:
    lines = [
        "[" * 100_000 + "]" * 100_000,  # nested past the recursion limit
        '{"id": ' + "9" * 5000 + ', "text": "a number past int()\'s 4,300 digits"}',
        '{"id": "\\ud800", "text": "an id that is not Unicode"}',
        '{"id": "s", "text": "Lavrov \\ud800 met Kerry in Geneva.", "title": "T\\udfff"}',
        '{"id": 1e999, "text": "an infinite id"}',
    ]
    cfg = tiny_corpus({"odd.jsonl": "\n".join(lines) + "\n"})
    files, warnings = build(cfg, "build_index")
    assert files == ["odd.jsonl#s"]
    lines_named = [re.search(r"odd\.jsonl, line (\d+): ", w) for w in warnings]
    assert [int(m.group(1)) if m else None for m in lines_named] == [1, 2, 3, 5]
    index = build_index(cfg)
    assert index.sources[0].meta.title == "T\ufffd"
    assert "Lavrov \ufffd met Kerry" in index.passages[0].text


def test_a_broken_dump_is_not_a_million_warnings(tiny_corpus: TinyCorpus) -> None:
    good = json.dumps({"id": "ok", "text": GOOD})
    cfg = tiny_corpus({"dump.jsonl": "\n".join([good] + ["{not json"] * 1000) + "\n"})
    files, warnings = build(cfg, "update_index")
    assert files == ["dump.jsonl#ok"]
    assert len(warnings) == 21
    assert warnings[-1].endswith("dump.jsonl: 980 more bad lines skipped")


# --- Big but fine ----------------------------------------------------------------------------


@pytest.mark.timeout(60)
def test_a_ten_megabyte_jsonl_line_is_one_document_quoted_and_summarised(
    tiny_corpus: TinyCorpus,
) -> None:
    # One paragraph of 200,000 sentences: quoting it whole took 4 s a question, and its
    # summary asked for a 200,000 x 200,000 similarity matrix (MemoryError).
    text = " ".join(f"Sanctions item{i} were discussed at length." for i in range(230_000))
    cfg = tiny_corpus({"one.jsonl": json.dumps({"id": "big", "text": text[: 10 << 20]}) + "\n"})
    library = Library.load(cfg)
    assert [s.file for s in library.sources] == ["one.jsonl#big"]
    answer = library.answer("item1234 discussed")
    assert answer.found and "item1234" in answer.hits[0].quote.text
    summary = library.summarize(source=library.sources[0])
    assert 0 < len(summary.sentences) <= cfg.summaries.sentences


@pytest.mark.timeout(30)
def test_forty_thousand_paragraphs_are_cleaned_in_linear_time(tiny_corpus: TinyCorpus) -> None:
    # The pull-quote check searched every paragraph in all the others: 53 s for 4 MB.
    text = "".join(
        f"Paragraph {i} says the sanctions were discussed at length.\n\n" for i in range(40_000)
    )
    cfg = tiny_corpus({"long.txt": text})
    index = build_index(cfg)
    assert len(index.sources[0].paragraphs) == 40_000
    assert index.warnings == ()


@pytest.mark.timeout(30)
def test_five_thousand_tiny_files_are_all_indexed(tiny_corpus: TinyCorpus) -> None:
    files = {f"d{i % 50:02}/f{i:04}.txt": f"Note {i} about topic{i}.\n" for i in range(5000)}
    cfg = tiny_corpus(files)
    found, warnings = build(cfg, "build_index")
    assert found == sorted(files)
    assert warnings == []


@fuzz_settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    items=st.lists(
        st.lists(st.sampled_from("a b cc a.b dd eee".split()), min_size=1, max_size=12).map(
            " ".join
        ),
        max_size=12,
    ),
    min_chars=st.integers(1, 12),
)
def test_the_fast_pull_quote_check_drops_what_counting_in_the_joined_text_did(
    items: list[str], min_chars: int
) -> None:
    kept = _drop_repeats([(None, text) for text in items], min_chars)
    # The former check, quadratic: unique keys, then each counted in all of them joined.
    keys = [repeat_key(text) for text in items]
    unique = [i for i, key in enumerate(keys) if key and key not in keys[:i]]
    joined = "\n".join(keys[i] for i in unique)
    assert kept == [i for i in unique if len(keys[i]) < min_chars or joined.count(keys[i]) < 2]


# --- Random bytes under every extension --------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
jsonl_line = st.one_of(
    st.fixed_dictionaries({"id": st.text() | st.integers(), "text": st.text()}).map(json.dumps),
    json_values.map(json.dumps),
    st.text(),
)
contents = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(jsonl_line, max_size=8).map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass")),
    st.binary(max_size=500).map(lambda b: b"%PDF-1.4\n" + b),
    st.text(max_size=300).map(lambda t: f"<html><body><p>{t}</p></body></html>".encode()),
)


@fuzz_settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    suffix=st.sampled_from([".txt", ".md", ".html", ".htm", ".pdf", ".jsonl"]),
    content=contents,
    on_error=st.sampled_from(["skip", "error"]),
)
def test_any_bytes_under_any_extension_are_read_or_named(
    settings: Settings, suffix: str, content: bytes, on_error: OnError
) -> None:
    base = settings.retrieval
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "good.txt").write_text(GOOD, encoding="utf-8")
        (folder / f"fuzz{suffix}").write_bytes(content)
        cfg = dataclasses.replace(
            base,
            sources=dataclasses.replace(
                base.sources, folders=(folder,), on_error=on_error, metadata={}
            ),
        )
        try:
            files, warnings = build(cfg, "build_index")
        except SourceError as exc:
            assert on_error == "error" and f"fuzz{suffix}" in str(exc), str(exc)
            return
        assert "good.txt" in files
        if not any(f.startswith(f"fuzz{suffix}") for f in files):
            assert any(f"fuzz{suffix}" in w for w in warnings), warnings
        assert all(f"fuzz{suffix}" in w for w in warnings), warnings
