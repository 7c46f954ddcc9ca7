"""The sources folder as the bot changes it: a file added (or replaced) from an upload, a
file removed, each either done whole, with the library updated, or not at all.

No Telegram here: the handlers (handlers/sources.py) download the file to a staging folder
and call `add_upload` or `remove_file` in the updates lane, one change at a time
(BotData.change_sources). A change runs in this order, so that a failure at any step
leaves the folder, sources.yaml and the index as they were:

  1. the staged file is read as a build would read it; no sources: nothing is touched;
  2. it is copied beside its final name under a name no build reads, then renamed into
     place (a replaced file is first renamed aside, not deleted); a caption's title is
     appended to sources.yaml;
  3. the library is refreshed from the changed file only (a saved index writes a new
     version and then swaps to it: retrieval/index/storage.py);
  4. only then is the replaced or removed file deleted; on any error, every step is undone.

A crash between 2 and 4 leaves a folder the next start or /reload indexes as it finds it,
and a saved index that still loads (its CURRENT names a finished version).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from retrieval import SUPPORTED_EXTENSIONS, Library, MetaOverride, RetrievalSettings, Source

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 100
_UNSAFE = re.compile(r"[^\w.()-]+")
_REPLACE = "replace"


@dataclass(frozen=True)
class Caption:
    """What a caption asks: a title (its first line) and whether to replace a same-named file."""

    title: str | None = None
    replace: bool = False


def read_caption(caption: str | None) -> Caption:
    """Return the title and the replace flag of a caption: a line reading `replace` asks to
    replace; the first other non-empty line is the title."""
    lines = [" ".join(line.split()) for line in (caption or "").splitlines()]
    lines = [line for line in lines if line]
    replace = any(line.casefold() == _REPLACE for line in lines)
    titles = [line for line in lines if line.casefold() != _REPLACE]
    return Caption(titles[0][:300] if titles else None, replace)


def safe_name(file_name: str | None, extensions: tuple[str, ...]) -> str | None:
    """Return a file name safe to create in the sources folder, or None for a type sourcebot
    does not read: no folder parts, no hidden or control characters, at most 100
    characters, the extension in lower case."""
    base = unicodedata.normalize("NFC", file_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = base.rpartition(".")
    extension = f".{suffix.lower()}"
    allowed = {e.lower() for e in extensions} & set(SUPPORTED_EXTENSIONS)
    if not dot or extension not in allowed:
        return None
    stem = _UNSAFE.sub("_", stem).strip("._-") or "upload"
    return stem[: MAX_NAME_CHARS - len(extension)] + extension


def source_key(origin: Path) -> str:
    """Return a short key of a source file, so a button refers to that file and no other."""
    return hashlib.sha256(str(origin).encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Added:
    """A file added: its sources in the new library, and a question they answer."""

    name: str
    sources: tuple[Source, ...]
    example: str
    replaced: bool


@dataclass(frozen=True)
class Refused:
    """An upload that changed nothing, and why: "exists", "unreadable" or "failed"."""

    name: str
    why: str
    detail: str = ""


@dataclass(frozen=True)
class Removed:
    """A file removed, and the sources it held."""

    name: str
    sources: tuple[Source, ...]


def _aside(path: Path, tag: str) -> Path:
    """Return a name beside path that no build reads (not a source extension), not taken."""
    for n in range(1000):
        candidate = path.with_name(f".{path.name}.{tag}{n or ''}")
        if not candidate.exists():
            return candidate
    raise OSError(f"no free name beside {path.name}")


def _with_title(settings: RetrievalSettings, name: str, title: str | None) -> RetrievalSettings:
    if title is None:
        return settings
    meta = dict(settings.sources.metadata)
    meta[name] = dataclasses.replace(meta.get(name, MetaOverride()), title=title)
    return dataclasses.replace(
        settings, sources=dataclasses.replace(settings.sources, metadata=meta)
    )


def _append_title(metadata_file: Path, name: str, title: str) -> bytes | None:
    """Add a title entry for name to sources.yaml; return its former content (None: none)."""
    before = metadata_file.read_bytes() if metadata_file.exists() else None
    entry = yaml.safe_dump({name: {"title": title}}, allow_unicode=True, sort_keys=False)
    text = (before or b"").decode("utf-8")
    if text and not text.endswith("\n"):
        text += "\n"
    # A later entry for the same name wins when the file is read (yaml.safe_load).
    text += f"# added with an upload through Telegram\n{entry}"
    metadata_file.parent.mkdir(parents=True, exist_ok=True)
    staged = _aside(metadata_file, "new")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, metadata_file)
    return before


def _restore(metadata_file: Path, before: bytes | None) -> None:
    if before is None:
        metadata_file.unlink(missing_ok=True)
    else:
        metadata_file.write_bytes(before)


def add_upload(
    library: Library,
    staged: Path,
    name: str,
    folder: Path,
    caption: Caption,
    metadata_file: Path,
) -> tuple[Library | None, Added | Refused]:
    """Put a staged upload into the folder under name and return the refreshed library and
    what was added; or None and why nothing changed."""
    target = folder / name
    if target.exists() and not caption.replace:
        return None, Refused(name, "exists")
    settings = _with_title(library.settings, name, caption.title)
    sources, warnings = library.read_file(staged, name, settings)
    if not sources:
        detail = "; ".join(w.replace(str(staged), name) for w in warnings)
        return None, Refused(name, "unreadable", detail)
    replaced = _aside(target, "replaced") if target.exists() else None
    incoming = _aside(target, "upload")
    titled = False  # sources.yaml changed
    metadata_before: bytes | None = None
    try:
        shutil.copyfile(staged, incoming)
        if replaced is not None:
            os.replace(target, replaced)
        os.replace(incoming, target)
        if caption.title is not None:
            metadata_before = _append_title(metadata_file, name, caption.title)
            titled = True
        new, _ = library.refreshed(settings)
        added = new.sources_from(target.resolve())
        if not added:
            raise OSError(f"{name} gave no sources when indexed")
    except Exception:
        incoming.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        if replaced is not None:
            os.replace(replaced, target)
        if titled:
            _restore(metadata_file, metadata_before)
        log.exception("adding %s failed; the sources are as they were", name)
        return None, Refused(name, "failed")
    if replaced is not None:
        replaced.unlink(missing_ok=True)
    log.info("source added: %s (%d sources, replaced: %s)", name, len(added), bool(replaced))
    return new, Added(name, added, new.example_for(added[0]), replaced is not None)


def remove_file(library: Library, origin: Path) -> tuple[Library | None, Removed | None]:
    """Delete a source file and return the refreshed library and what went; (None, None) when
    it is not a file in a sources folder. On an error the file is put back and it raises."""
    folders = [f.resolve() for f in library.settings.sources.folders]
    if not origin.is_file() or not any(origin.is_relative_to(f) for f in folders):
        return None, None
    gone = library.sources_from(origin)
    aside = _aside(origin, "removed")
    os.replace(origin, aside)
    try:
        new, _ = library.refreshed()
    except BaseException:
        os.replace(aside, origin)
        raise
    aside.unlink(missing_ok=True)
    log.info("source removed: %s (%d sources)", origin.name, len(gone))
    return new, Removed(origin.name, gone)
