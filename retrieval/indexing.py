"""Build or update a saved index from source files, redoing only the files that changed.

A file whose size and modification time match the saved index is unchanged; one whose
stamp moved but whose content hash is the same is unchanged too. Unchanged files' rows
are copied from the saved index (term ids stay valid: the vocabulary only grows); new and
changed files are read, cleaned and tokenized; removed files are dropped. The BM25
weights depend on the whole corpus, so the engine is always rebuilt from the forward
index, which is array work, not text work.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.building import IndexBuilder, IndexParts, Vocabulary
from retrieval.errors import IndexLoadError, SourceError
from retrieval.index import SearchIndex, make_tokenizer
from retrieval.persist import fingerprint, load_index, read_manifest, save_index
from retrieval.settings import RetrievalSettings
from retrieval.sources import load_file

Progress = Callable[[int, int, int], None]  # files done, files in all, passages so far


@dataclass(frozen=True)
class SourceFile:
    """One file to index and the name its sources are cited by."""

    name: str
    path: Path


@dataclass(frozen=True)
class IndexReport:
    """What an indexing run did."""

    index: SearchIndex
    added: list[str]
    changed: list[str]
    removed: list[str]
    unchanged: list[str]
    warnings: list[str]
    seconds: float


def find_source_files(paths: Sequence[Path], extensions: Sequence[str]) -> list[SourceFile]:
    """Return the files to index: given files, and supported files under given folders."""
    wanted = {e.lower() for e in extensions}
    found: list[SourceFile] = []
    for path in paths:
        if path.is_file():
            found.append(SourceFile(path.name, path))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.suffix.lower() in wanted and child.is_file():
                    found.append(SourceFile(child.relative_to(path).as_posix(), child))
        else:
            raise SourceError(f"{path} does not exist: give source files or folders")
    if not found:
        where = ", ".join(str(p) for p in paths)
        raise SourceError(
            f"no source files in {where} (supported: {', '.join(sorted(wanted))}): add some"
        )
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _stamp(path: Path) -> dict[str, Any]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def add_file(
    builder: IndexBuilder, file: SourceFile, settings: RetrievalSettings, warnings: list[str]
) -> None:
    """Read, clean and add every document of one file; a bad file is skipped or raised."""
    first = len(builder.records) + 1
    for source in load_file(
        file.name, file.path, first, settings.sources, settings.cleaning, warnings
    ):
        builder.add(source, origin=str(file.path.resolve()))


def build_index(
    settings: RetrievalSettings,
    paths: Sequence[Path] | None = None,
    progress: Progress | None = None,
) -> tuple[SearchIndex, list[str]]:
    """Return a fresh in-memory index over the given (or configured) sources."""
    files = find_source_files(paths or settings.sources.folders, settings.sources.extensions)
    tokenizer = make_tokenizer(settings)
    builder = IndexBuilder(settings, tokenizer)
    warnings: list[str] = []
    for done, file in enumerate(files, start=1):
        add_file(builder, file, settings, warnings)
        if progress:
            progress(done, len(files), builder.passage_count)
    if not builder.records:
        raise SourceError("no usable sources: " + "; ".join(warnings))
    return SearchIndex(builder.finish(), tokenizer, settings, warnings), warnings


def update_index(
    settings: RetrievalSettings,
    folder: Path,
    paths: Sequence[Path] | None = None,
    progress: Progress | None = None,
) -> IndexReport:
    """Bring the saved index in folder up to date with the sources; return what changed."""
    started = time.perf_counter()
    files = find_source_files(paths or settings.sources.folders, settings.sources.extensions)
    old: SearchIndex | None = None
    try:
        manifest = read_manifest(folder)
    except IndexLoadError:
        manifest = None  # damaged: rebuild from scratch
    if manifest is not None and manifest.get("fingerprint") == fingerprint(settings):
        try:
            old = load_index(folder, settings)
        except IndexLoadError:
            old = None  # damaged: rebuild from scratch
    old_files: dict[str, dict[str, Any]] = (manifest or {}).get("files", {}) if old else {}
    tokenizer = make_tokenizer(settings)
    vocab = (
        Vocabulary(list(old.vocab.terms), dict(old.vocab.ids), list(old.vocab.surface))
        if old
        else None
    )
    builder = IndexBuilder(settings, tokenizer, vocab)
    added: list[str] = []
    changed: list[str] = []
    kept: list[str] = []
    warnings: list[str] = []
    by_origin: dict[str, list[Any]] = {}
    if old is not None:
        for record in old.parts.records:
            by_origin.setdefault(record.origin, []).append(record)
    seen: dict[str, dict[str, Any]] = {}
    for done, file in enumerate(files, start=1):
        origin = str(file.path.resolve())
        stamp = _stamp(file.path)
        before = old_files.get(origin)
        unchanged = before is not None and all(before.get(k) == v for k, v in stamp.items())
        sha = before.get("sha256") if unchanged and before else None
        if before is not None and not unchanged:
            sha = _sha256(file.path)
            unchanged = sha == before.get("sha256")
        if unchanged and old is not None and origin in by_origin:
            for record in by_origin[origin]:
                builder.adopt(old.parts, record)
            kept.append(file.name)
        else:
            add_file(builder, file, settings, warnings)
            (changed if before is not None else added).append(file.name)
        seen[origin] = {**stamp, "sha256": sha or _sha256(file.path)}
        if progress:
            progress(done, len(files), builder.passage_count)
    removed = sorted(Path(o).name for o in old_files if o not in seen and o in by_origin)
    if not builder.records:
        raise SourceError("no usable sources: " + "; ".join(warnings))
    parts: IndexParts = builder.finish()
    save_index(SearchIndex(parts, tokenizer, settings, warnings), folder, seen)
    return IndexReport(
        index=load_index(folder, settings),
        added=added,
        changed=changed,
        removed=removed,
        unchanged=kept,
        warnings=warnings,
        seconds=time.perf_counter() - started,
    )
