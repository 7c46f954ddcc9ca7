"""Find and load the source files into cleaned Sources, and cut paragraphs into passages.

Every supported file (see retrieval/formats.py) under the configured folders becomes one
Source (a .jsonl file one per line), numbered in path order, with metadata from
sources.yaml where given and from its own text otherwise. A file that cannot be used is
an error or a warning naming it, as `sources.on_error` says. Finding the files is where
hostile folders are met: links to folders are not followed (they may loop), links to files
outside the folder are not read, nor pipes and devices, names that are not UTF-8, or files
over `sources.max_file_mb`, all before a byte of them is read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.building import passage_spans
from retrieval.errors import SourceError
from retrieval.folders import PAGE_SUFFIXES, repeated_lines
from retrieval.formats import read_documents, read_text, to_source
from retrieval.markdown import markdown_text
from retrieval.model import Passage, Source
from retrieval.settings import CleaningRules, SourceSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedSources:
    """The sources that loaded, and a warning for each file that was skipped."""

    sources: tuple[Source, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class SourceFile:
    """One file to read, the name its sources are cited by, and the lines it shares with
    the other page copies of its folder (retrieval/folders.py)."""

    name: str
    path: Path
    repeats: frozenset[str] = frozenset()

    @property
    def repeats_digest(self) -> str:
        """Return a short fingerprint of the shared lines (a saved index compares it)."""
        return hashlib.sha256("\n".join(sorted(self.repeats)).encode()).hexdigest()[:16]


def with_folder_repeats(files: Sequence[SourceFile], settings: SourceSettings) -> list[SourceFile]:
    """Return the files with the lines each shares with the page copies of its folder."""
    texts: dict[Path, list[str]] = {}
    for file in files:
        suffix = file.path.suffix.lower()
        if suffix not in PAGE_SUFFIXES:
            continue
        try:
            text = read_text(file.path, settings.max_file_mb << 20)
        except SourceError:
            continue  # reading it for real says what is wrong
        texts.setdefault(file.path.parent, []).append(
            markdown_text(text) if suffix == ".md" else text
        )
    repeats = {folder: repeated_lines(found) for folder, found in texts.items()}
    return [
        dataclasses.replace(f, repeats=repeats[f.path.parent])
        if f.path.suffix.lower() in PAGE_SUFFIXES and f.path.parent in repeats
        else f
        for f in files
    ]


def find_source_files(
    settings: SourceSettings, warnings: list[str], paths: Sequence[Path] | None = None
) -> list[SourceFile]:
    """Return the files to read: given files, and supported files under the given folders.

    Without paths, the configured folders. Folders are walked without following links to
    folders; a link to a file outside its folder, anything but a regular file, a file name
    that is not UTF-8 and a file over sources.max_file_mb are skipped with a warning naming
    them (a SourceError when sources.on_error is "error"), before anything is read.
    """
    wanted = {e.lower() for e in settings.extensions}
    found: list[SourceFile] = []
    skipped = len(warnings)
    for path in paths or settings.folders:
        if path.is_dir():
            found += _walk(path, wanted, settings, warnings)
        elif path.is_file() or path.is_symlink():
            if _usable(path, path.name, None, settings, warnings):
                found.append(SourceFile(path.name, path))
        elif paths:
            raise SourceError(f"{path} does not exist: give source files or folders")
        else:
            raise SourceError(
                f"source folder {path} does not exist: create it and put articles in it, "
                "or set sources.folders in the config"
            )
    if not found and len(warnings) > skipped:
        raise no_usable_sources(warnings)
    if not found:
        where = ", ".join(str(f) for f in paths or settings.folders)
        kinds = "/".join(sorted(wanted))
        raise SourceError(f"no {kinds} files in {where}: add articles there and try again")
    return found


def _walk(
    folder: Path, wanted: set[str], settings: SourceSettings, warnings: list[str]
) -> list[SourceFile]:
    """Return the supported files under folder, in path order, links to folders not followed."""
    root = folder.resolve()

    def unreadable(exc: OSError) -> None:
        _skip(f"cannot read folder {exc.filename}: {exc.strerror}", settings, warnings)

    found: list[SourceFile] = []
    for here, dirs, files in os.walk(folder, onerror=unreadable):
        dirs.sort()  # walk, warn and fail in path order, whatever the file system's order
        for name in dirs:
            if os.path.islink(os.path.join(here, name)):
                # A link to a folder may loop (to a parent) or lead out of the folder.
                link = Path(here, name)
                _skip(
                    f"{_shown(link)} is a link to a folder, which sourcebot does not follow: "
                    "move or copy the files themselves into the source folder",
                    settings,
                    warnings,
                )
        for name in sorted(files):
            path = Path(here, name)
            if path.suffix.lower() not in wanted:
                continue
            relative = path.relative_to(folder).as_posix()
            if _usable(path, relative, root, settings, warnings):
                found.append(SourceFile(relative, path))
    return sorted(found, key=lambda f: f.path)


def _usable(
    path: Path, name: str, root: Path | None, settings: SourceSettings, warnings: list[str]
) -> bool:
    """Say whether a found file may be read; warn (or raise) naming it when it may not."""
    if _shown(name) != name:
        # Not UTF-8 on disk: the name could be neither cited nor saved.
        return _skip(f"{_shown(path)}: the file name is not UTF-8; rename it", settings, warnings)
    if root is not None and path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python < 3.13)
            return _skip(
                f"{path} is a link to a missing file or a loop of links: remove or fix it",
                settings,
                warnings,
            )
        if not target.is_relative_to(root):
            return _skip(
                f"{path} is a link to a file outside the source folder {root}: not read; "
                "copy the file into the folder if it is meant to be a source",
                settings,
                warnings,
            )
    try:
        info = path.stat()
    except OSError as exc:
        return _skip(f"cannot read {path}: {exc.strerror or exc}", settings, warnings)
    if not stat.S_ISREG(info.st_mode):
        return _skip(
            f"{path} is not a regular file (a pipe, socket or device): remove it",
            settings,
            warnings,
        )
    limit = settings.max_file_mb << 20
    if info.st_size > limit and path.suffix.lower() != ".jsonl":  # .jsonl: limit per line
        return _skip(
            f"{path} is {info.st_size / (1 << 20):,.0f} MB, over sources.max_file_mb "
            f"({settings.max_file_mb} MB): split it into smaller files, or raise the limit",
            settings,
            warnings,
        )
    return True


def _shown(path: Path | str) -> str:
    """Return a path as text that can be printed and saved (undecodable bytes as U+FFFD)."""
    return os.fsencode(path).decode("utf-8", "replace")


def _skip(problem: str, settings: SourceSettings, warnings: list[str]) -> bool:
    """Raise the problem (on_error: error) or warn that the file is skipped; return False."""
    if settings.on_error == "error":
        raise SourceError(problem)
    warnings.append(f"skipped {problem}")
    log.warning("skipped %s", problem)
    return False


def no_usable_sources(warnings: Sequence[str], shown: int = 5) -> SourceError:
    """Return the error for a build that read nothing: why, for the first few files."""
    more = f"; and {len(warnings) - shown} more" if len(warnings) > shown else ""
    return SourceError("no usable sources: " + "; ".join(warnings[:shown]) + more)


def load_file(
    name: str,
    path: Path,
    first_number: int,
    settings: SourceSettings,
    rules: CleaningRules,
    warnings: list[str],
    repeats: frozenset[str] = frozenset(),
) -> list[Source]:
    """Return the cleaned sources of one file; skip or raise on bad input as configured.

    repeats: the lines the file shares with the other page copies of its folder.
    """

    def warn(message: str) -> None:
        warnings.append(message)
        log.warning("%s", message)

    sources: list[Source] = []
    try:
        max_bytes = settings.max_file_mb << 20
        for raw in read_documents(path, name, settings.on_error, warn, max_bytes=max_bytes):
            try:
                number = first_number + len(sources)
                given = settings.metadata.get(raw.name)
                sources.append(to_source(number, raw, given, rules, repeats))
            except SourceError as exc:
                if settings.on_error == "error":
                    raise
                warn(f"skipped {exc}")
    except SourceError as exc:
        if settings.on_error == "error":
            raise
        warn(f"skipped {exc}")
    return sources


def load_sources(settings: SourceSettings, rules: CleaningRules) -> LoadedSources:
    """Return every usable source under the configured folders."""
    sources: list[Source] = []
    warnings: list[str] = []
    files = with_folder_repeats(find_source_files(settings, warnings), settings)
    for file in files:
        sources += load_file(
            file.name, file.path, len(sources) + 1, settings, rules, warnings, file.repeats
        )
    if not sources:
        raise no_usable_sources(warnings)
    return LoadedSources(tuple(sources), tuple(warnings))


def split_passages(sources: Iterable[Source], max_chars: int) -> list[Passage]:
    """Return the passages of all sources: one per paragraph, long ones split by sentence."""
    passages: list[Passage] = []
    for source in sources:
        for para in source.paragraphs:
            for part, (start, end) in enumerate(passage_spans(para.text, max_chars), start=1):
                passages.append(
                    Passage(
                        id=len(passages),
                        source=source.file,
                        paragraph=para.number,
                        part=part,
                        text=para.text[start:end],
                        section=para.section,
                        page=para.page,
                    )
                )
    return passages
