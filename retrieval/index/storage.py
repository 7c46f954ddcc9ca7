"""Save an index to a folder and load it back memory-mapped, without reading the sources.

Layout: `<dir>/CURRENT` names the live version folder `<dir>/v<N>/`, which holds
`manifest.json` (format, settings fingerprint, the files the sources came from, and each
index file's size and checksum), `terms.json` (vocabulary and surface forms),
`sources.json` (the sources' strings as columns: file names, titles, authors ...), and
numpy arrays for the sources' rows (`src_*.npy`), the tables, the forward index and the
engine. A version is never changed once written: a new one is made beside it (a folder no
other build can claim), its files made read-only, and CURRENT is replaced atomically, so a
reader never sees half an index; older finished versions are then removed (a process
still mapping one keeps its files). A load checks every file against the manifest before
mapping any (retrieval/index/integrity.py).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import orjson

from retrieval.errors import IndexLoadError
from retrieval.index.engines import SparseEngine
from retrieval.index.integrity import (
    check_contents,
    check_sizes,
    checked_before,
    note_checked,
    seal,
)
from retrieval.index.parts import Forward, IndexParts, make_engine
from retrieval.index.records import SOURCE_INT_COLUMNS, SourceTable
from retrieval.index.search import SearchIndex
from retrieval.index.tables import ParagraphTable, PassageTable
from retrieval.index.vocabulary import Vocabulary
from retrieval.settings import RetrievalSettings
from retrieval.text.tokenize import Tokenizer

# 4: each source's language (its terms depend on it); 5: each file's size and CRC-32;
# 6: sources.yaml entries stamped per file (a new title re-reads that file only) on one
# branch, sources as columns on another; 7: both (src_*.npy and sources.json, not one JSON
# object per source, and each file's entries in its stamp)
FORMAT = 7
CURRENT = "CURRENT"
MANIFEST = "manifest.json"  # written last: a version without one is unfinished
UNFINISHED_SECONDS = 24 * 3600  # a version folder with no manifest this old is a dead build
_ARRAYS = {
    "par_offsets": ("paragraphs", "offsets"),
    "par_source": ("paragraphs", "source"),
    "par_number": ("paragraphs", "number"),
    "par_section": ("paragraphs", "section"),
    "par_page": ("paragraphs", "page"),
    "pas_paragraph": ("passages", "paragraph"),
    "pas_part": ("passages", "part"),
    "pas_start": ("passages", "start"),
    "pas_end": ("passages", "end"),
    "fwd_terms": ("forward", "terms"),
    "fwd_tfs": ("forward", "tfs"),
    "fwd_offsets": ("forward", "offsets"),
}


def _plain(value: Any) -> Any:
    if isinstance(value, re.Pattern):
        return value.pattern
    if isinstance(value, Path):
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# Packages whose data makes the terms: a new stopword list, stemmer or language model
# changes the terms of the same text, so an index built with other versions is rebuilt.
_ANALYSIS_PACKAGES = ("PyStemmer", "stop-words", "py3langid", "regex")


@functools.cache
def _analysis_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found: dict[str, str] = {}
    for name in _ANALYSIS_PACKAGES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            found[name] = "missing"
    return found


def fingerprint(settings: RetrievalSettings) -> str:
    """Return a hash of every setting that changes what the index holds."""
    relevant = {
        "analysis": _analysis_versions(),
        "sources": {
            "extensions": settings.sources.extensions,
            "max_passage_chars": settings.sources.max_passage_chars,
        },
        "cleaning": settings.cleaning,
        "tokenizer": settings.tokenizer,
        "index": settings.index,
        "format": FORMAT,
    }
    blob = json.dumps(_plain(relevant), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def current_version(folder: Path) -> Path | None:
    """Return the live version folder of a saved index, or None when there is none."""
    marker = folder / CURRENT
    if not marker.is_file():
        return None
    version = folder / marker.read_text(encoding="utf-8").strip()
    return version if version.is_dir() else None


class Tables(Protocol):
    """The row tables and forward index of an index, with or without its engine."""

    @property
    def paragraphs(self) -> ParagraphTable: ...

    @property
    def passages(self) -> PassageTable: ...

    @property
    def forward(self) -> Forward: ...


def new_version(folder: Path) -> Path:
    """Return a new, empty version folder under folder (not live until save_index).

    The folder is claimed with an exclusive mkdir, so two builds never share one, and no
    existing folder is ever emptied.
    """
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [int(p.name[1:]) for p in folder.glob("v*") if p.name[1:].isdigit()]
    number = max(numbers, default=0) + 1
    while True:
        target = folder / f"v{number}"
        try:
            target.mkdir()
        except FileExistsError:
            number += 1
            continue
        return target


def write_tables(
    tables: Tables, target: Path, text_file: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Write the paragraph text, the row tables and the forward index into a version folder;
    return their checksums (for the manifest). `text_file`: a file of this folder's disk
    that holds just the text (a build's spill), moved in rather than copied.

    The engine is not needed for these, so a build writes them while it makes the engine.
    """
    text = tables.paragraphs.text_blob
    if text_file is not None:
        os.replace(text_file, target / "par_text.bin")
    elif isinstance(text, np.memmap) and text.filename is not None:
        # A build that spilled its text to disk: copy file to file, not through our memory.
        shutil.copyfile(text.filename, target / "par_text.bin")
    else:
        np.asarray(text, dtype=np.uint8).tofile(target / "par_text.bin")
    for name, (group, attr) in _ARRAYS.items():
        np.save(target / f"{name}.npy", np.asarray(getattr(getattr(tables, group), attr)))
    return seal(target, ["par_text.bin", *(f"{name}.npy" for name in _ARRAYS)])


def save_index(
    index: SearchIndex,
    folder: Path,
    files: dict[str, dict[str, Any]] | None = None,
    *,
    version: Path | None = None,
    tables: dict[str, dict[str, Any]] | None = None,
) -> Path:
    """Write the index as a new version under folder and make it the live one.

    `version`: a folder from new_version that write_tables already filled with this
    index's tables (`tables`: the checksums it returned); only the engine, vocabulary and
    manifest are left to write.
    """
    target = version
    if target is None:
        target = new_version(folder)
        tables = write_tables(index.parts, target)
    elif tables is None:
        tables = seal(target, ["par_text.bin", *(f"{name}.npy" for name in _ARRAYS)])
    parts = index.parts
    engine = parts.engine
    source_arrays, source_strings = parts.records.columns()
    for name, values in source_arrays.items():
        np.save(target / f"src_{name}.npy", values)
    (target / "sources.json").write_bytes(orjson.dumps(source_strings))
    written = ["terms.json", "sources.json", *(f"src_{name}.npy" for name in source_arrays)]
    if isinstance(engine, SparseEngine):
        np.save(target / "eng_indptr.npy", engine.indptr)
        np.save(target / "eng_docs.npy", engine.doc_ids)
        np.save(target / "eng_weights.npy", engine.weights)
        written += ["eng_indptr.npy", "eng_docs.npy", "eng_weights.npy"]
    (target / "terms.json").write_bytes(
        orjson.dumps({"terms": parts.vocab.terms, "surface": parts.vocab.surface})
    )
    checksums = {**tables, **seal(target, written)}
    manifest = {
        "format": FORMAT,
        "checksums": checksums,
        "fingerprint": fingerprint(index.retrieval_settings),
        "engine": engine.name,
        "sections": list(parts.paragraphs.sections),
        "warnings": list(index.warnings),
        "files": files or {},
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    tmp = folder / f"{CURRENT}.{os.getpid()}.tmp"
    tmp.write_text(target.name, encoding="utf-8")
    os.replace(tmp, folder / CURRENT)
    _remove_old_versions(folder, target)
    return target


def _remove_old_versions(folder: Path, live: Path) -> None:
    """Remove finished versions but the live one, and builds that died long ago; a build
    still writing its version (no manifest yet) is left alone."""
    now = time.time()
    for old in folder.glob("v*"):
        if not old.is_dir() or old == live:
            continue
        try:
            finished = (old / MANIFEST).exists()
            dead = now - old.stat().st_mtime > UNFINISHED_SECONDS
        except OSError:
            continue
        if finished or dead:
            shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """Return the live manifest of a saved index, or None when there is none."""
    version = current_version(folder)
    if version is None:
        return None
    try:
        data = json.loads((version / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexLoadError(
            f"the index in {folder} is damaged ({exc}): run `sourcebot index` to rebuild it"
        ) from exc
    if not isinstance(data, dict):
        raise IndexLoadError(f"the index in {folder} is damaged: run `sourcebot index`")
    return data


def load_index(folder: Path, settings: RetrievalSettings) -> SearchIndex:
    """Return the index saved in folder, memory-mapped; IndexLoadError says what to do."""
    manifest = read_manifest(folder)
    version = current_version(folder)
    if manifest is None or version is None:
        raise IndexLoadError(
            f"no index in {folder}: build one with `sourcebot index --index-dir {folder}`"
        )
    if manifest.get("format") != FORMAT or manifest.get("fingerprint") != fingerprint(settings):
        raise IndexLoadError(
            f"the index in {folder} was built with other settings (the config changed since): "
            f"run `sourcebot index --index-dir {folder}` again"
        )
    sums = check_sizes(version, manifest.get("checksums"))  # before a byte is mapped
    stood = [*sums, MANIFEST]  # the files checked, and the manifest that says how they sum
    if checked_before(version, stood):
        index = _load_checked(folder, version, manifest, settings)
    else:
        # The contents are checked on threads (zlib lets go of the GIL) while the source
        # list and vocabulary are parsed; a file found changed is reported first.
        with ThreadPoolExecutor(1, thread_name_prefix="verify") as pool:
            contents = pool.submit(check_contents, version, sums)
            try:
                index = _load_checked(folder, version, manifest, settings)
            finally:
                contents.result()
        note_checked(version, stood)
    index.files = dict(manifest.get("files", {}))
    return index


def _load_checked(
    folder: Path, version: Path, manifest: dict[str, Any], settings: RetrievalSettings
) -> SearchIndex:
    try:
        return _load(version, manifest, settings)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexLoadError(
            f"the index in {folder} is damaged ({exc}): run `sourcebot index` to rebuild it"
        ) from exc


def _mapped(path: Path) -> np.ndarray:
    """Return a saved array memory-mapped, as a plain ndarray over the mapping: reading one
    value of an np.memmap goes through Python (3 us), of an ndarray it does not (0.1 us),
    and an answer reads thousands (where each term's postings start)."""
    mapped: np.ndarray = np.load(path, mmap_mode="r").view(np.ndarray)
    return mapped


def _load(version: Path, manifest: dict[str, Any], settings: RetrievalSettings) -> SearchIndex:
    source_arrays = {
        name: _mapped(version / f"src_{name}.npy") for name in (*SOURCE_INT_COLUMNS, "titled")
    }
    strings = json.loads((version / "sources.json").read_text(encoding="utf-8"))
    records = SourceTable.from_columns(source_arrays, strings)
    words = json.loads((version / "terms.json").read_text(encoding="utf-8"))
    terms: list[str] = words["terms"]
    vocab = Vocabulary(terms, {t: i for i, t in enumerate(terms)}, words["surface"])
    return _open(
        version,
        records,
        manifest["sections"],
        vocab,
        manifest["engine"],
        settings,
        manifest.get("warnings", []),
    )


def reopen(index: SearchIndex, version: Path) -> SearchIndex:
    """Return the index just saved in version, memory-mapped like load_index gives it, but
    with the sources and vocabulary already in memory (not read back from the files)."""
    parts = index.parts
    return _open(
        version,
        parts.records,
        list(parts.paragraphs.sections),
        parts.vocab,
        parts.engine.name,
        index.retrieval_settings,
        index.warnings,
    )


def _open(
    version: Path,
    records: SourceTable,
    sections: list[str],
    vocab: Vocabulary,
    engine_name: str,
    settings: RetrievalSettings,
    warnings: Sequence[str],
) -> SearchIndex:
    def arr(name: str) -> Any:
        return _mapped(version / f"{name}.npy")

    text_path = version / "par_text.bin"
    size = text_path.stat().st_size
    paragraphs = ParagraphTable(
        text=np.memmap(text_path, dtype=np.uint8, mode="r") if size else np.zeros(0, np.uint8),
        offsets=arr("par_offsets"),
        source=arr("par_source"),
        number=arr("par_number"),
        section=arr("par_section"),
        page=arr("par_page"),
        sections=sections,
        files=records.named,  # rows of the names an answer reads are noted
    )
    passages = PassageTable(
        paragraphs, arr("pas_paragraph"), arr("pas_part"), arr("pas_start"), arr("pas_end")
    )
    forward = Forward(arr("fwd_terms"), arr("fwd_tfs"), arr("fwd_offsets"))
    if engine_name == "sparse" and settings.index.engine == "sparse":
        engine: Any = SparseEngine(
            vocab.ids, arr("eng_indptr"), arr("eng_docs"), arr("eng_weights"), len(passages)
        )
    else:
        engine = make_engine(settings, vocab, forward)
    parts = IndexParts(records, paragraphs, passages, vocab, forward, engine)
    index = SearchIndex(parts, Tokenizer.from_settings(settings.tokenizer), settings, warnings)
    index.saved_in = version
    return index
