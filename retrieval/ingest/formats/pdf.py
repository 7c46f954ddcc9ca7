"""PDF sources: the text layer in reading order, page by page, with the page each paragraph
starts on (pdf_layout.py), within page, content and CPU budgets (pdf_budget.py); title and
author from the document info (pypdf, which also says whether a password locks the file).
The file is opened once, checked (raw.open_checked), and both libraries read that handle."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import BinaryIO

from retrieval.errors import SourceError
from retrieval.ingest.formats.pdf_layout import drop_page_furniture, page_text, read_pages
from retrieval.ingest.formats.raw import Identity, RawDocument, nonblank, open_checked, too_big
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import MetaOverride

# File names and tool defaults that PDF writers put in /Title in place of a real title.
_JUNK_PDF_TITLE = re.compile(
    r"^(?:untitled|microsoft \w+ - .*|.*\.(?:docx?|pdf|tex|dvi|indd|rtf|odt|pptx?))$",
    re.IGNORECASE,
)


def read_pdf(
    path: Path, name: str, policy: SourcePolicy, max_bytes: int, identity: Identity | None = None
) -> RawDocument:
    """Return a PDF's text by page; SourceError for an encrypted, damaged or image-only file."""
    with open_checked(path, identity) as handle:
        return _read_pdf(handle, path, name, policy, max_bytes)


def _read_pdf(
    handle: BinaryIO, path: Path, name: str, policy: SourcePolicy, max_bytes: int
) -> RawDocument:
    from pypdf import PasswordType, PdfReader  # here: imports take a tenth of a second

    try:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise too_big(path, size, max_bytes)
        reader = PdfReader(handle)
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise SourceError(
                f"{path} is encrypted with a password: save a copy without a password "
                "(for example `qpdf --decrypt --password=... in.pdf out.pdf`) and use that"
            )
        info = reader.metadata
        title = nonblank(info.title) if info is not None else None
        author = nonblank(info.author) if info is not None else None
        # Pages within the budgets of pdf_budget.py, read from the file that was checked.
        page_lines = read_pages(handle, path, policy, size, len(reader.pages))
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
