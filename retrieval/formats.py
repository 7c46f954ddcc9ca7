"""Read source files of every supported format into raw documents, ready for cleaning.

This module owns what a file format means. `.txt` is text in UTF-8 or the encoding
retrieval/decoding.py finds (a warning names it); `.md` is that text read as Markdown
(retrieval/markdown.py); `.html`/`.htm` give the article's main text and the title, author,
date and url the page declares (trafilatura, offline; an author that is no name dropped);
`.pdf` gives its text layer page by page in reading order (retrieval/pdf_layout.py) and its
title and author (pypdf); `.jsonl`
holds one document a line (`id` or `_id`, `text`, optional `title`, `author`, `date`, `url`),
read as a stream. `read_documents` turns one file into RawDocuments and `to_source` cleans
one into a Source whose paragraphs know the page they start on. A file that cannot be used
is a SourceError naming it; a bad JSONL line or PDF page is a warning naming the file and the
line or page when on_error is "skip", and a SourceError when it is "error". Hostile files
end the same way: binary data under a text extension, a file over `max_bytes` (a .jsonl
line over it), and text that is not valid Unicode (lone surrogates from JSON escapes or a
PDF) is mended with U+FFFD before it reaches the index.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from retrieval.cleaning import clean_document, repeat_key
from retrieval.decoding import Decoded, decode
from retrieval.errors import SourceError
from retrieval.markdown import markdown_text
from retrieval.metadata import label, name_or_none
from retrieval.model import Paragraph, Source, SourceMeta
from retrieval.pdf_layout import drop_page_furniture, joined_pages, page_text, read_pages
from retrieval.settings import MAX_FILE_MB, CleaningRules, MetaOverride, OnError

__all__ = ["SUPPORTED", "RawDocument", "read_documents", "read_text", "to_source"]


SUPPORTED: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".jsonl")

Warn = Callable[[str], None]
MAX_BYTES = MAX_FILE_MB << 20
_SNIFF_BYTES = 8192  # a NUL byte this near the start means binary data, not text
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")  # UTF-32 LE starts as 16 LE
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class RawDocument:
    """One document as its file gives it: raw text by page, and the metadata found in it."""

    name: str  # file name relative to its folder, or "corpus.jsonl#42" for a JSONL line
    pages: tuple[tuple[int | None, str], ...]  # (page number, or None when unpaged; text)
    meta: MetaOverride = field(default_factory=MetaOverride)  # None fields: not found
    # What the text is: "page" (a page copy, a .md, a JSONL text: furniture is looked for)
    # or "article" (trafilatura's or the PDF layout's output: the article already).
    kind: str = "page"


def read_documents(
    path: Path, name: str, on_error: OnError, warn: Warn, *, max_bytes: int = MAX_BYTES
) -> Iterator[RawDocument]:
    """Return the documents in one file, read lazily; SourceError when it has no reader.

    A file read whole may hold at most max_bytes; a .jsonl file any number of lines of at
    most max_bytes each.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        kind = f"{suffix} files" if suffix else "files without an extension"
        raise SourceError(
            f"{path}: sourcebot cannot read {kind}; supported: {', '.join(SUPPORTED)}"
        )
    if suffix == ".jsonl":
        return _read_jsonl(path, name, on_error, warn, max_bytes)
    return _one(path, name, on_error, warn, max_bytes)


def _one(
    path: Path, name: str, on_error: OnError, warn: Warn, max_bytes: int
) -> Iterator[RawDocument]:
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        yield _read_html(path, name, max_bytes)
    elif suffix == ".pdf":
        yield _read_pdf(path, name, on_error, warn, max_bytes)
    else:
        decoded = read_decoded(path, max_bytes)
        if decoded.encoding != "utf-8":
            warn(f"{path} is not UTF-8: read as {decoded.encoding}")
        text = markdown_text(decoded.text) if suffix == ".md" else decoded.text
        yield RawDocument(name=name, pages=((None, text),))


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
    given = given or MetaOverride()
    found = raw.meta
    base, hash_, fragment = raw.name.partition("#")
    author = _mended_or_none(given.author or name_or_none(found.author) or doc.author)
    publisher = _mended_or_none(given.publisher or found.publisher)
    date = _mended_or_none(given.date or found.date or doc.date)
    title = given.title or found.title or doc.title
    titled = title is not None
    if title is None:
        title, titled = label(author, publisher, date, Path(base).name + hash_ + fragment)
    meta = SourceMeta(
        file=raw.name,
        title=_mended(title),
        author=author,
        publisher=publisher,
        date=date,
        url=_mended_or_none(given.url or found.url),
        titled=titled,
    )
    pages = _paragraph_pages(raw.pages, [text for _, text in doc.paragraphs])
    paragraphs = tuple(
        Paragraph(source=raw.name, number=i, text=text, section=section, page=page)
        for i, ((section, text), page) in enumerate(zip(doc.paragraphs, pages, strict=True), 1)
    )
    return Source(number=number, meta=meta, paragraphs=paragraphs)


def _mended(text: str) -> str:
    """Return text with lone surrogates (not Unicode: they cannot be saved) as U+FFFD."""
    if text.isascii():  # O(1) in CPython
        return text
    try:
        text.encode("utf-8")  # in C, several times faster than searching with a regex
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", text)
    return text


def _mended_or_none(text: str | None) -> str | None:
    return None if text is None else _mended(text)


# --- Plain text --------------------------------------------------------------------------


def _too_big(path: Path, size: int, max_bytes: int) -> SourceError:
    return SourceError(
        f"{path} is {size / (1 << 20):,.0f} MB, over sources.max_file_mb "
        f"({max_bytes / (1 << 20):,.0f} MB): split it into smaller files, or raise the limit"
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_big(path, size, max_bytes)
        with path.open("rb") as handle:
            # read(n) sets n bytes aside first: ask for the size, not the limit.
            data = handle.read(size + 1)
            if len(data) > size:  # it grew since the stat: read on, up to the limit
                data += handle.read(max_bytes + 1 - len(data))
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise _too_big(path, len(data), max_bytes)
    return data


def _is_binary(head: bytes) -> bool:
    """Say whether the start of a file is binary data (UTF-16 text has NULs, but a BOM)."""
    return b"\x00" in head[:_SNIFF_BYTES] and not head.startswith(_UTF16_BOMS)


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """Return a file's text (retrieval/decoding.py); SourceError says which file and why not."""
    return read_decoded(path, max_bytes).text


def read_decoded(path: Path, max_bytes: int = MAX_BYTES) -> Decoded:
    """Return a file's text and the encoding it was read in; SourceError when it has none."""
    data = _read_bytes(path, max_bytes)
    if _is_binary(data):
        raise SourceError(
            f"{path} is binary data, not text: remove it, or give it the extension of "
            "its real format"
        )
    decoded = decode(data)
    if decoded is None:
        raise SourceError(
            f"{path} is not text in any encoding sourcebot knows: convert it to UTF-8 or remove it"
        )
    return decoded


# --- HTML --------------------------------------------------------------------------------

# Block elements of trafilatura's XML output; anything else inside a block is inline.
_XML_BLOCKS = frozenset({"head", "p", "list", "item", "quote", "table", "code", "div"})


class _XmlElement(Protocol):
    """The part of an lxml element that the HTML reader walks (lxml ships no types)."""

    tag: str
    text: str | None
    tail: str | None

    def get(self, key: str) -> str | None: ...

    def __iter__(self) -> Iterator[_XmlElement]: ...

    def iter(self, tag: str) -> Iterator[_XmlElement]: ...


def _read_html(path: Path, name: str, max_bytes: int) -> RawDocument:
    data = _read_bytes(path, max_bytes)
    if _is_binary(data):
        raise SourceError(f"{path} is binary data, not an HTML page: remove it or rename it")
    import trafilatura  # here, not at the top: a quarter second every worker would pay
    from trafilatura.settings import Document

    try:
        # Bytes, not str: trafilatura then honours the page's own <meta charset>.
        found = trafilatura.bare_extraction(
            data,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            # Only dates the page declares: the extensive search reads "in 2018" in the text
            # as a publication date of 2018-01-01.
            date_extraction_params={
                "original_date": True,
                "extensive_search": False,
                "max_date": datetime.date.today().isoformat(),
            },
        )
    except Exception as exc:  # a third-party parser on an arbitrary file: any error is "bad file"
        raise SourceError(f"{path} cannot be read as HTML ({exc}): is it a web page?") from exc
    body: _XmlElement | None = found.body if isinstance(found, Document) else None
    blocks = list(_xml_blocks(body)) if body is not None else []
    if not isinstance(found, Document) or all(len(block.split()) <= 3 for block in blocks):
        # Nothing but a few words (a menu, a "Home" link): no article on this page.
        raise SourceError(
            f"{path}: no article text found in this HTML page; save the article page "
            "itself, or its text as .txt"
        )
    meta = MetaOverride(
        title=_nonblank(found.title),
        author=_nonblank(found.author),
        date=_nonblank(found.date),
        url=_nonblank(found.url),
    )
    return RawDocument(name=name, pages=((None, "\n\n".join(blocks)),), meta=meta, kind="article")


def _nonblank(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _xml_blocks(parent: _XmlElement) -> Iterator[str]:
    """Yield each block under parent: headings as markdown, list items bulleted, rows barred."""
    lead = " ".join((parent.text or "").split())
    if lead:
        yield lead
    for child in parent:
        if child.tag == "head":
            rend = child.get("rend") or ""
            level = int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
            text = _inline_text(child)
            if text:
                yield "#" * level + " " + text
        elif child.tag == "table":
            for row in child.iter("row"):
                cells = [_inline_text(cell) for cell in row]
                if any(cells):
                    # Each row a block, framed by bars so that it never reads as a heading.
                    yield "| " + " | ".join(cells) + " |"
        elif child.tag == "graphic":
            continue
        elif any(grand.tag in _XML_BLOCKS for grand in child):
            yield from _xml_blocks(child)
        else:
            text = _inline_text(child)
            if text:
                # A bullet keeps a short item from being read as a heading by the cleaning.
                yield f"• {text}" if child.tag == "item" else text
        tail = " ".join((child.tail or "").split())
        if tail:
            yield tail


def _inline_text(element: _XmlElement) -> str:
    return " ".join("".join(_inline_pieces(element)).split())


def _inline_pieces(element: _XmlElement) -> Iterator[str]:
    yield element.text or ""
    for child in element:
        if child.tag == "lb":
            yield " "
        else:
            yield from _inline_pieces(child)
        yield child.tail or ""


# --- PDF ---------------------------------------------------------------------------------

# File names and tool defaults that PDF writers put in /Title in place of a real title.
_JUNK_PDF_TITLE = re.compile(
    r"^(?:untitled|microsoft \w+ - .*|.*\.(?:docx?|pdf|tex|dvi|indd|rtf|odt|pptx?))$",
    re.IGNORECASE,
)


def _read_pdf(path: Path, name: str, on_error: OnError, warn: Warn, max_bytes: int) -> RawDocument:
    from pypdf import PasswordType, PdfReader  # here: imports take a tenth of a second

    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise _too_big(path, size, max_bytes)
        # pypdf says whether a password locks the file and reads its title and author;
        # retrieval/pdf_layout.py reads the text in reading order.
        reader = PdfReader(path)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise SourceError(
                f"{path} is encrypted with a password: save a copy without a password "
                "(for example `qpdf --decrypt --password=... in.pdf out.pdf`) and use that"
            )
        info = reader.metadata
        title = _nonblank(info.title) if info is not None else None
        author = _nonblank(info.author) if info is not None else None
        page_lines = read_pages(path, on_error, warn)
    except SourceError:
        raise
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except Exception as exc:  # pypdf and pdfminer on a damaged or disguised file raise many kinds
        raise SourceError(
            f"{path} is not a readable PDF ({type(exc).__name__}: {exc}): is it damaged, "
            "or another kind of file renamed .pdf?"
        ) from exc
    drop_page_furniture(page_lines)
    pages = tuple(
        (page.number, page_text(page.lines))
        for page in page_lines
        if any(line.text.strip() for line in page.lines)
    )
    if not pages:
        raise SourceError(
            f"{path} has no text layer (a scanned or image-only PDF): run OCR on it first, "
            "for example `ocrmypdf in.pdf out.pdf`, and use the result"
        )
    if title is not None and _JUNK_PDF_TITLE.match(title):
        title = None
    return RawDocument(
        name=name, pages=pages, meta=MetaOverride(title=title, author=author), kind="article"
    )


def _paragraph_pages(
    pages: tuple[tuple[int | None, str], ...], paragraphs: list[str]
) -> list[int | None]:
    """Return the page each cleaned paragraph starts on, found by its first words."""
    if all(number is None for number, _ in pages):
        return [None] * len(paragraphs)
    starts: list[tuple[int, int | None]] = []
    keys: list[str] = []
    offset = 0
    for number, text in pages:
        key = repeat_key(text)
        starts.append((offset, number))
        keys.append(key)
        offset += len(key) + 1
    haystack = " ".join(keys)
    result: list[int | None] = []
    cursor = 0
    page: int | None = pages[0][0]
    for text in paragraphs:
        words = repeat_key(text).split()
        for needle in (" ".join(words[:8]), " ".join(words[:3])):
            at = haystack.find(needle, cursor) if needle else -1
            if at >= 0:
                page = next(n for start, n in reversed(starts) if start <= at)
                cursor = at + len(needle)
                break
        result.append(page)
    return result


# --- JSONL -------------------------------------------------------------------------------

_OPTIONAL_KEYS = ("title", "author", "date", "url")
MAX_LINE_WARNINGS = 20  # then one count of the rest: a broken dump is not 10^6 warnings


class _BadLineError(Exception):
    """What is wrong with one JSONL line; the reader adds the file and line number."""


def _read_jsonl(
    path: Path, name: str, on_error: OnError, warn: Warn, max_bytes: int
) -> Iterator[RawDocument]:
    first_line: dict[str, int] = {}
    skipped = 0
    try:
        with path.open("rb") as handle:
            if _is_binary(handle.read(_SNIFF_BYTES)):
                raise SourceError(
                    f"{path} is binary data, not JSON Lines: remove it, or give it the "
                    "extension of its real format"
                )
            handle.seek(0)
            for lineno, line in enumerate(_jsonl_lines(handle, max_bytes), start=1):
                if line is not None and not line.strip():
                    continue
                try:
                    if line is None:
                        raise _BadLineError(
                            f"longer than sources.max_file_mb ({max_bytes / (1 << 20):,.0f} "
                            "MB): split the document, or raise the limit"
                        )
                    doc_id, text, meta = _jsonl_record(line)
                    if doc_id in first_line:
                        raise _BadLineError(
                            f"id {doc_id!r} already used on line {first_line[doc_id]}"
                        )
                except _BadLineError as bad:
                    problem = f"{path}, line {lineno}: {bad}"
                    if on_error == "error":
                        raise SourceError(
                            f"{problem}; fix the line, or set sources.on_error to skip"
                        ) from None
                    skipped += 1
                    if skipped <= MAX_LINE_WARNINGS:
                        warn(f"{problem}; line skipped")
                    continue
                first_line[doc_id] = lineno
                yield RawDocument(name=f"{name}#{doc_id}", pages=((None, text),), meta=meta)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if skipped > MAX_LINE_WARNINGS and first_line:
        warn(f"{path}: {skipped - MAX_LINE_WARNINGS:,} more bad lines skipped")
    if not first_line:
        raise SourceError(
            f"{path}: no usable documents ({skipped} bad lines skipped); write one JSON "
            'object a line, each with an "id" and a "text"'
        )


def _jsonl_lines(handle: BinaryIO, max_bytes: int) -> Iterator[bytes | None]:
    """Yield each line of a file, or None for one longer than max_bytes (never held whole)."""
    while line := handle.readline(max_bytes + 1):
        if len(line) <= max_bytes or line.endswith(b"\n"):
            yield line
            continue
        while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass  # skip the rest of the long line a megabyte at a time
        yield None


def _jsonl_record(line: bytes) -> tuple[str, str, MetaOverride]:
    try:
        record = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise _BadLineError(f"not UTF-8 (bad byte at column {exc.start + 1})") from None
    except json.JSONDecodeError as exc:
        raise _BadLineError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise _BadLineError("not usable JSON (nested too deeply)") from None
    except ValueError as exc:  # e.g. a number of more than 4,300 digits
        raise _BadLineError(f"not usable JSON ({exc})") from None
    if not isinstance(record, dict):
        raise _BadLineError(f"expected a JSON object, got {type(record).__name__}")
    doc_id = record.get("id", record.get("_id"))
    if doc_id is None:
        raise _BadLineError('no "id" (or "_id")')
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int):
        raise _BadLineError(f'"id" must be a string or a whole number, got {type(doc_id).__name__}')
    doc_id = str(doc_id).strip()
    if not doc_id:
        raise _BadLineError('"id" is empty')
    if _SURROGATE.search(doc_id):
        raise _BadLineError('"id" is not valid Unicode (it holds a lone surrogate escape)')
    text = record.get("text")
    if text is None:
        raise _BadLineError('no "text"')
    if not isinstance(text, str):
        raise _BadLineError(f'"text" must be a string, got {type(text).__name__}')
    if not text.strip():
        raise _BadLineError('"text" is empty')
    fields: dict[str, str | None] = {}
    for key in _OPTIONAL_KEYS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise _BadLineError(f'"{key}" must be a string, got {type(value).__name__}')
        fields[key] = _nonblank(value)
    return doc_id, text, MetaOverride(**fields)
