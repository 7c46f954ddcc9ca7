"""CPU limits on reading a PDF: pages that share one huge content stream, too many pages and
too much time stop the reading with a warning naming the file and the pages left out."""

from __future__ import annotations

import time
import zlib
from pathlib import Path

import pytest
from fpdf import FPDF

from retrieval.errors import SourceError
from retrieval.ingest.formats import pdf_budget
from retrieval.ingest.formats.pdf import read_pdf
from retrieval.ingest.policy import SourcePolicy

WORDS = ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Ilex", "Juniper")
LINES = b"".join(
    b"BT /F1 12 Tf 72 %d Td (The harbour exports copper ore, line %d.) Tj ET\n" % (740 - 12 * i, i)
    for i in range(60)
)


def shared_stream_pdf(pages: int, stream_bytes: int) -> bytes:
    """Return a PDF whose pages all draw one content stream of stream_bytes (decoded)."""
    data = zlib.compress(LINES * (stream_bytes // len(LINES)), 9)
    kids = b" ".join(f"{5 + i} 0 R".encode() for i in range(pages))
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count " + str(pages).encode() + b" >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
        *([page] * pages),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pages_pdf(path: Path, pages: int) -> Path:
    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(1, pages + 1):
        pdf.add_page()
        town = WORDS[number % len(WORDS)]
        pdf.multi_cell(0, 8, f"The harbour of {town} grew {town.lower()} trade in spring.")
    pdf.output(str(path))
    return path


@pytest.mark.timeout(60)
def test_pages_sharing_one_huge_stream_are_read_within_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small budgets and ordinary pages: the default budgets take minutes of layout analysis.
    monkeypatch.setattr(pdf_budget, "MIN_CONTENT_BYTES", 128 << 10)
    monkeypatch.setattr(pdf_budget, "CONTENT_PER_BYTE", 1)
    path = tmp_path / "shared.pdf"
    path.write_bytes(shared_stream_pdf(400, 8 << 10))  # 400 pages x 8 KiB of content
    size = path.stat().st_size
    assert size < 70_000
    allowed = max(pdf_budget.MIN_CONTENT_BYTES, pdf_budget.CONTENT_PER_BYTE * size)
    policy = SourcePolicy("skip", echo=False)
    started = time.thread_time()
    document = read_pdf(path, "shared.pdf", policy, 50 << 20)
    spent = time.thread_time() - started
    read = allowed // (len(LINES) * ((8 << 10) // len(LINES)))  # pages within the budget
    assert [number for number, _ in document.pages] == list(range(1, read + 1))
    assert "harbour exports copper" in document.pages[0][1]
    assert len(policy.warnings) == 1
    assert f"pages {read + 1}-400 not read" in policy.warnings[0]
    assert "sharing one content stream" in policy.warnings[0]
    assert spent < 20.0


def test_the_page_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_budget, "MAX_PAGES", 2)
    path = _pages_pdf(tmp_path / "five.pdf", 5)
    policy = SourcePolicy("skip", echo=False)
    document = read_pdf(path, "five.pdf", policy, 50 << 20)
    assert [number for number, _ in document.pages] == [1, 2]
    assert "pages 3-5 not read: over 2 pages" in policy.warnings[0]
    with pytest.raises(SourceError, match="pages 3-5 not read"):
        read_pdf(path, "five.pdf", SourcePolicy("error", echo=False), 50 << 20)


def test_the_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_budget, "MAX_SECONDS", 0.0)
    path = _pages_pdf(tmp_path / "three.pdf", 3)
    policy = SourcePolicy("skip", echo=False)
    document = read_pdf(path, "three.pdf", policy, 50 << 20)
    assert [number for number, _ in document.pages] == [1]  # the first page is always read
    assert "pages 2-3 not read: reading took over 0 s of CPU" in policy.warnings[0]


def test_an_ordinary_pdf_is_read_whole(tmp_path: Path) -> None:
    path = _pages_pdf(tmp_path / "ten.pdf", 10)
    policy = SourcePolicy("skip", echo=False)
    assert len(read_pdf(path, "ten.pdf", policy, 50 << 20).pages) == 10
    assert not policy.warnings


def test_a_page_drawing_too_many_characters_is_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_budget, "MAX_PAGE_CHARS", 5_000)
    path = tmp_path / "dense.pdf"
    path.write_bytes(shared_stream_pdf(1, 64 << 10))  # one page, ~38,000 characters
    policy = SourcePolicy("skip", echo=False)
    started = time.thread_time()
    with pytest.raises(SourceError):  # its only page left out: no text at all
        read_pdf(path, "dense.pdf", policy, 50 << 20)
    assert time.thread_time() - started < 10.0
    assert any("page 1: not read: it draws over 5,000 characters" in w for w in policy.warnings)
