"""Turn raw documents into cleaned, numbered Sources with their citation metadata.

Metadata comes from sources.yaml first, then from the file itself (what the page or PDF
declares; an author that is no name is dropped), then from the text (the headline, a
byline, a date: metadata.py); a source with no title is labelled by its author, publisher
and date. Each paragraph knows the page it starts on. Text that is not valid Unicode (lone
surrogates from JSON escapes or a PDF) is mended with U+FFFD here, before it reaches the
index.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from pathlib import Path

from retrieval.errors import SourceError
from retrieval.ingest.cleaning import clean_document
from retrieval.ingest.files import SourceFile, find_source_files
from retrieval.ingest.formats import RawDocument, read_documents
from retrieval.ingest.formats.raw import SURROGATE
from retrieval.ingest.metadata import label, name_or_none
from retrieval.ingest.pages import joined_pages, paragraph_pages
from retrieval.ingest.policy import SourcePolicy
from retrieval.model import Paragraph, Source, SourceMeta
from retrieval.settings import NO_METADATA, CleaningRules, MetaOverride, SourceSettings


def to_source(
    number: int,
    raw: RawDocument,
    given: MetaOverride | None,
    rules: CleaningRules,
    folder_repeats: frozenset[str] = frozenset(),
) -> Source:
    """Return one cleaned source; SourceError when it has no text left after cleaning.

    folder_repeats: lines standing in other page copies of the same folder (furniture).
    """
    doc = clean_document(
        _mended(joined_pages(raw.pages)),
        rules,
        find_furniture=raw.kind == "page",
        folder_repeats=folder_repeats,
    )
    if not doc.paragraphs:
        raise SourceError(f"{raw.name} has no text left after cleaning: is it empty?")
    given = given or NO_METADATA
    found = raw.meta
    author = _mended_or_none(given.author or name_or_none(found.author) or doc.author)
    publisher = _mended_or_none(given.publisher or found.publisher)
    date = _mended_or_none(given.date or found.date or doc.date)
    title = given.title or found.title or doc.title
    titled = title is not None
    if title is None:
        title = default_title(raw.name, author, publisher, date)
    meta = SourceMeta(
        file=raw.name,
        title=_mended(title),
        author=author,
        publisher=publisher,
        date=date,
        url=_mended_or_none(given.url or found.url),
        titled=titled,
    )
    name = raw.name
    if len(raw.pages) == 1 and raw.pages[0][0] is None:  # unpaged (most documents)
        paragraphs = tuple(
            [
                Paragraph(source=name, number=i, text=text, section=section, page=None)
                for i, (section, text) in enumerate(doc.paragraphs, 1)
            ]
        )
    else:
        pages = paragraph_pages(raw.pages, [text for _, text in doc.paragraphs])
        paragraphs = tuple(
            Paragraph(source=name, number=i, text=text, section=section, page=page)
            for i, ((section, text), page) in enumerate(zip(doc.paragraphs, pages, strict=True), 1)
        )
    return Source(number=number, meta=meta, paragraphs=paragraphs)


def default_title(name: str, author: str | None, publisher: str | None, date: str | None) -> str:
    """Return what an untitled source is called: by its author and publisher, else its file
    name (without folders; a .jsonl document's id kept) and date."""
    if author or publisher:
        return label(author, publisher, date, name)[0]
    base, hash_, fragment = name.partition("#")
    # The last part of the path (as Path.name, without its cost: a build asks this of
    # every untitled document).
    return label(None, None, date, base.rstrip("/").rpartition("/")[2] + hash_ + fragment)[0]


def _mended(text: str) -> str:
    """Return text with lone surrogates (not Unicode: they cannot be saved) as U+FFFD."""
    if text.isascii():  # O(1) in CPython
        return text
    try:
        text.encode("utf-8")  # in C, several times faster than searching with a regex
    except UnicodeEncodeError:
        return SURROGATE.sub("\ufffd", text)
    return text


def _mended_or_none(text: str | None) -> str | None:
    return None if text is None else _mended(text)


def cleaned(
    documents: Iterable[RawDocument],
    settings: SourceSettings,
    rules: CleaningRules,
    policy: SourcePolicy,
    first_number: int = 1,
    folder_repeats: frozenset[str] = frozenset(),
) -> Iterator[Source]:
    """Yield the cleaned sources of raw documents, numbered from first_number; a document
    with nothing left after cleaning is skipped with a warning or raised, as the policy says."""
    number = first_number
    for raw in documents:
        try:  # policy.guard(), without a context manager's cost per document
            source = to_source(number, raw, settings.metadata.get(raw.name), rules, folder_repeats)
        except SourceError as exc:
            policy.skip(str(exc))
            continue
        number += 1
        yield source


def file_sources(
    file: SourceFile,
    settings: SourceSettings,
    rules: CleaningRules,
    policy: SourcePolicy,
    first_number: int = 1,
) -> Iterator[Source]:
    """Yield the cleaned sources of one file, numbered from first_number; a file that cannot
    be read (or is no longer the file that was found: SourceFile.identity) is skipped with
    a warning or raised, as the policy says."""
    with policy.guard():
        max_bytes = settings.max_file_mb << 20
        documents = read_documents(
            file.path, file.name, policy, max_bytes=max_bytes, identity=file.identity
        )
        yield from cleaned(documents, settings, rules, policy, first_number, file.repeats)


def read_one_file(
    path: Path, name: str, settings: SourceSettings, rules: CleaningRules
) -> tuple[tuple[Source, ...], tuple[str, ...]]:
    """Return the sources one file holds, read as a build would read it under `name` (with
    its sources.yaml entry), and the warnings met; nothing is indexed or kept.

    A file that cannot be read at all yields no sources and says why in the warnings.
    """
    policy = SourcePolicy("skip", echo=False)
    try:
        found = find_source_files(settings, policy, [path])
    except SourceError as exc:
        return (), (*policy.warnings, str(exc))
    sources: list[Source] = []
    for file in found:
        named = dataclasses.replace(file, name=name)
        sources += [s for s in file_sources(named, settings, rules, policy) if s.paragraphs]
    return tuple(sources), tuple(policy.warnings)
