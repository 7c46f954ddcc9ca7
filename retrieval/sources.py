"""Find, read and clean the source files, and cut their paragraphs into passages.

Every `.txt`/`.md` file under the configured folders becomes a Source, numbered in path
order, with metadata from sources.yaml where given and from its own text otherwise. A file
that cannot be used is an error or a warning naming it, as `sources.on_error` says.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from retrieval.cleaning import clean_document
from retrieval.errors import SourceError
from retrieval.model import Paragraph, Passage, Source, SourceMeta
from retrieval.settings import CleaningRules, MetaOverride, SourceSettings

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
                f"source folder {folder} does not exist: create it and put .txt or .md "
                "articles in it, or set sources.folders in the config"
            )
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in settings.extensions and path.is_file():
                found.append((path.relative_to(folder).as_posix(), path))
    if not found:
        folders = ", ".join(str(f) for f in settings.folders)
        kinds = "/".join(settings.extensions)
        raise SourceError(f"no {kinds} files in {folders}: add articles there and try again")
    return found


def read_text(path: Path) -> str:
    """Return a file's text, decoded as UTF-8; SourceError says which file and why not."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{path} is not UTF-8 text (bad byte at offset {exc.start}): "
            "convert it to UTF-8 or remove it"
        ) from exc


def _meta(
    name: str, title: str | None, author: str | None, given: MetaOverride | None
) -> SourceMeta:
    given = given or MetaOverride()
    return SourceMeta(
        file=name,
        title=given.title or title or Path(name).name,
        author=given.author or author,
        publisher=given.publisher,
        date=given.date,
        url=given.url,
    )


def load_source(
    number: int, name: str, path: Path, settings: SourceSettings, rules: CleaningRules
) -> Source:
    """Return one cleaned source; SourceError when it has no text left after cleaning."""
    doc = clean_document(read_text(path), rules)
    if not doc.paragraphs:
        raise SourceError(f"{path} has no text left after cleaning: is it empty?")
    meta = _meta(name, doc.title, doc.author, settings.metadata.get(name))
    paragraphs = tuple(
        Paragraph(source=name, number=i, text=text, section=section)
        for i, (section, text) in enumerate(doc.paragraphs, start=1)
    )
    return Source(number=number, meta=meta, paragraphs=paragraphs)


def load_sources(settings: SourceSettings, rules: CleaningRules) -> LoadedSources:
    """Return every usable source under the configured folders."""
    sources: list[Source] = []
    warnings: list[str] = []
    for name, path in find_files(settings):
        try:
            sources.append(load_source(len(sources) + 1, name, path, settings, rules))
        except SourceError as exc:
            if settings.on_error == "error":
                raise
            warnings.append(f"skipped {exc}")
            log.warning("skipped %s", exc)
    if not sources:
        raise SourceError("no usable sources: " + "; ".join(warnings))
    return LoadedSources(tuple(sources), tuple(warnings))


def split_passages(sources: Iterable[Source], max_chars: int) -> list[Passage]:
    """Return the passages of all sources: one per paragraph, long ones split by sentence."""
    from retrieval.building import passage_spans

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
