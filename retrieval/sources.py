"""Find and load the source files into cleaned Sources, and cut paragraphs into passages.

Every supported file (see retrieval/formats.py) under the configured folders becomes one
Source (a .jsonl file one per line), numbered in path order, with metadata from
sources.yaml where given and from its own text otherwise. A file that cannot be used is
an error or a warning naming it, as `sources.on_error` says.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from retrieval.building import passage_spans
from retrieval.errors import SourceError
from retrieval.formats import read_documents, to_source
from retrieval.model import Passage, Source
from retrieval.settings import CleaningRules, SourceSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedSources:
    """The sources that loaded, and a warning for each file that was skipped."""

    sources: tuple[Source, ...]
    warnings: tuple[str, ...]


def find_files(settings: SourceSettings) -> list[tuple[str, Path]]:
    """Return (name, path) of every source file, names relative to their folder, sorted."""
    found: list[tuple[str, Path]] = []
    for folder in settings.folders:
        if not folder.is_dir():
            raise SourceError(
                f"source folder {folder} does not exist: create it and put articles in it, "
                "or set sources.folders in the config"
            )
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in settings.extensions and path.is_file():
                found.append((path.relative_to(folder).as_posix(), path))
    if not found:
        folders = ", ".join(str(f) for f in settings.folders)
        kinds = "/".join(settings.extensions)
        raise SourceError(f"no {kinds} files in {folders}: add articles there and try again")
    return found


def load_file(
    name: str,
    path: Path,
    first_number: int,
    settings: SourceSettings,
    rules: CleaningRules,
    warnings: list[str],
) -> list[Source]:
    """Return the cleaned sources of one file; skip or raise on bad input as configured."""

    def warn(message: str) -> None:
        warnings.append(message)
        log.warning("%s", message)

    sources: list[Source] = []
    try:
        for raw in read_documents(path, name, settings.on_error, warn):
            try:
                number = first_number + len(sources)
                sources.append(to_source(number, raw, settings.metadata.get(raw.name), rules))
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
    for name, path in find_files(settings):
        sources += load_file(name, path, len(sources) + 1, settings, rules, warnings)
    if not sources:
        raise SourceError("no usable sources: " + "; ".join(warnings))
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
