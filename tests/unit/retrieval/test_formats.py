"""Tests for the source format readers: HTML, PDF, JSONL and plain text, good files and bad.

Every file is written into tmp_path by the test itself (PDFs with fpdf2 and pypdf), and no
test may open a network connection: the readers must work offline.
"""

from __future__ import annotations

import inspect
import io
import json
import socket
import tracemalloc
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from pdfminer.pdfinterp import PDFPageInterpreter
from PIL import Image
from pypdf import PdfWriter

from retrieval.errors import SourceError
from retrieval.ingest.documents import to_source
from retrieval.ingest.formats import SUPPORTED, RawDocument, read_documents
from retrieval.ingest.formats.jsonl import SCANNED_LOOKUPS, KnownIds, line_chunks
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import CleaningRules, MetaOverride, OnError

RULES = CleaningRules()


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail any attempt to reach the network, even one that the code under test swallows."""
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[:2]))
        raise OSError("network access in a format test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == [], f"tried to reach the network: {attempts}"


def read_all(
    path: Path, on_error: OnError = "error", warnings: list[str] | None = None
) -> list[RawDocument]:
    policy = SourcePolicy(on_error, echo=False)
    if warnings is not None:
        policy.warnings = warnings  # the caller sees warnings even when reading fails
    return list(read_documents(path, path.name, policy))


def read_one(path: Path) -> RawDocument:
    docs = read_all(path)
    assert len(docs) == 1
    return docs[0]


def paragraphs(raw: RawDocument) -> list[tuple[int | None, str | None, str]]:
    return [(p.page, p.section, p.text) for p in to_source(1, raw, None, RULES).paragraphs]


# --- HTML --------------------------------------------------------------------------------

ARTICLE = [
    "Engineers have restarted plans for a tidal lagoon in the Severn estuary, which has one "
    "of the largest tidal ranges in the world. The new design uses slower turbines.",
    "The lagoon would generate power four times a day as the tide rises and falls, giving a "
    "predictable supply that wind and solar farms cannot match on their own.",
    "Critics point out that the first lagoon proposal was rejected in 2018 because its "
    "electricity would have cost far more than offshore wind.",
    "A government review is expected to report next spring on whether the project should "
    "receive a contract for difference.",
]

JUNK_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Tidal power returns | Coastal Review</title>
<meta property="og:title" content="Tidal power returns to the Severn estuary">
<meta name="author" content="Jane Marlow">
<meta property="article:published_time" content="2023-05-14T09:00:00Z">
<link rel="canonical" href="https://example.org/energy/tidal-power">
<script>var tracking = "JUNK-SCRIPT";</script>
<style>.JUNK-STYLE {{ color: red }}</style>
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies. JUNK-COOKIE. Accept all.</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">JUNK-NAV News</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Tidal power returns to the Severn estuary</h1>
<p>{ARTICLE[0]}</p>
<p>{ARTICLE[1]}</p>
<!-- JUNK-COMMENT: editor's note -->
<h2>Costs and critics</h2>
<p>{ARTICLE[2]}</p>
<p>{ARTICLE[3]}</p>
</article></main>
<aside class="share"><a href="#">Share on JUNK-SHARE</a></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><p>JUNK-READER says the lagoon is a waste of money and time and
everybody should know it by now.</p></div></section>
<footer class="site-footer"><p>JUNK-FOOTER Copyright 2023 Coastal Review.</p>
<a href="/privacy">Privacy</a></footer>
<script>console.log("JUNK-SCRIPT-2")</script>
</body></html>
"""


def test_html_keeps_only_the_article_with_its_sections_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "tidal.html"
    path.write_text(JUNK_PAGE, encoding="utf-8")
    raw = read_one(path)
    assert raw.name == "tidal.html"
    assert raw.meta == MetaOverride(
        title="Tidal power returns to the Severn estuary",
        author="Jane Marlow",
        date="2023-05-14",
        url="https://example.org/energy/tidal-power",
    )
    ((page, text),) = raw.pages
    assert page is None
    assert "JUNK" not in text
    # Blank lines between blocks; the headings stand on their own lines.
    assert text.split("\n\n") == [
        "# Tidal power returns to the Severn estuary",
        ARTICLE[0],
        ARTICLE[1],
        "## Costs and critics",
        ARTICLE[2],
        ARTICLE[3],
    ]
    assert paragraphs(raw) == [
        (None, None, ARTICLE[0]),
        (None, None, ARTICLE[1]),
        (None, "Costs and critics", ARTICLE[2]),
        (None, "Costs and critics", ARTICLE[3]),
    ]
    source = to_source(3, raw, None, RULES)
    assert source.number == 3
    assert source.meta.title == "Tidal power returns to the Severn estuary"
    assert (source.meta.author, source.meta.date) == ("Jane Marlow", "2023-05-14")
    assert source.meta.url == "https://example.org/energy/tidal-power"


def test_html_date_is_only_one_the_page_declares(tmp_path: Path) -> None:
    path = tmp_path / "undated.html"
    path.write_text(
        f"<html><head><title>Tides</title></head><body><article><h1>Tides</h1><p>{ARTICLE[2]}"
        f"</p><p>{ARTICLE[0]}</p></article></body></html>",
        encoding="utf-8",
    )
    assert "in 2018" in ARTICLE[2]
    assert read_one(path).meta.date is None


def test_html_metadata_gives_way_to_sources_yaml(tmp_path: Path) -> None:
    path = tmp_path / "tidal.htm"
    path.write_text(JUNK_PAGE, encoding="utf-8")
    given = MetaOverride(title="Tidal lagoons", publisher="Coastal Review")
    meta = to_source(1, read_one(path), given, RULES).meta
    assert (meta.title, meta.publisher, meta.author) == (
        "Tidal lagoons",
        "Coastal Review",
        "Jane Marlow",
    )


def test_html_lists_and_tables_become_blocks_and_items_are_not_headings(tmp_path: Path) -> None:
    path = tmp_path / "lists.html"
    path.write_text(
        f"""<html><head><title>Lists</title></head><body><article>
        <p>{ARTICLE[0]}</p>
        <ul><li>Slow turbines</li><li>Fish <b>pass</b> safely</li></ul>
        <p>{ARTICLE[1]}<br>{ARTICLE[3]}</p>
        <table><tr><td>Site</td><td>Range</td></tr><tr><td>Severn</td><td>14 m</td></tr></table>
        <p>{ARTICLE[2]}</p></article></body></html>""",
        encoding="utf-8",
    )
    text = read_one(path).pages[0][1]
    assert "• Slow turbines\n\n• Fish pass safely" in text
    assert f"{ARTICLE[1]} {ARTICLE[3]}" in text
    assert "| Site | Range |\n\n| Severn | 14 m |" in text
    sections = {section for _, section, _ in paragraphs(read_one(path))}
    assert sections == {None}


def test_html_in_a_legacy_charset_is_decoded_by_its_meta_tag(tmp_path: Path) -> None:
    sentence = (
        "Приливная электростанция на Белом море даёт энергию четыре раза в сутки, "
        "когда вода поднимается и опускается."
    )
    page = (
        '<html><head><meta charset="windows-1251"><title>Прилив</title></head><body>'
        f"<article><h1>Приливная энергия</h1><p>{sentence}</p><p>{sentence} Ещё раз.</p>"
        "</article></body></html>"
    )
    path = tmp_path / "priliv.html"
    path.write_bytes(page.encode("cp1251"))
    text = read_one(path).pages[0][1]
    assert sentence in text


def _docx_bytes() -> bytes:
    """Return a Word-like zip whose XML text trafilatura would happily pass off as an article."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", f"<w:p>{ARTICLE[0]}</w:p>" * 20)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        _docx_bytes(),
        b"<html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>",
        b"",
    ],
    ids=["png", "docx", "no-article", "empty"],
)
def test_html_without_an_article_is_a_source_error_naming_it(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=r"page\.html"):
        for raw in read_all(path):
            to_source(1, raw, None, RULES)


# --- PDF ---------------------------------------------------------------------------------


class _Paper(FPDF):
    """A PDF with a running header and a page-number footer, as journals print them."""

    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, "Tidal Review - Spring issue", new_x="LMARGIN", new_y="NEXT")
        self.ln(6)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")


def _lines(pdf: FPDF, *lines: str) -> None:
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")


def write_paper(path: Path, title: str = "Tidal Notes") -> Path:
    """Write a three-page PDF whose first paragraph runs on over the page break."""
    pdf = _Paper()
    pdf.alias_nb_pages()
    pdf.set_title(title)
    pdf.set_author("Jane Marlow")
    pdf.add_page()
    _heading(pdf, "Origins of the lagoon")
    _lines(
        pdf,
        "The first lagoon was proposed for Swansea Bay in 2012 by a private company that",
        "wanted to build a wall around part of the bay and fill it with slow turbines.",
        "Ministers rejected it six years later because its power would be expensive next",
        "to offshore wind, which had fallen in price during those six years of argu-",
        "ment between the developers and the treasury, whose final decision",
    )
    pdf.add_page()
    _lines(
        pdf,
        "closed the door on tidal power in Britain for the rest of the decade.",
        "",
        "Supporters say the wall would stand for more than a century and pay for itself.",
    )
    _heading(pdf, "Costs and critics")
    _lines(pdf, "Critics say the lagoon would harm wading birds that feed on the mudflats.")
    pdf.add_page()
    _heading(pdf, "Outlook")
    _lines(pdf, "A review will report next spring on whether the project gets a contract.")
    pdf.output(str(path))
    return path


def test_pdf_text_comes_page_by_page_with_its_page_numbers(tmp_path: Path) -> None:
    raw = read_one(write_paper(tmp_path / "paper.pdf"))
    assert raw.meta == MetaOverride(title="Tidal Notes", author="Jane Marlow")
    assert [number for number, _ in raw.pages] == [1, 2, 3]
    page1, page2, page3 = (text for _, text in raw.pages)
    # Running header and page-number footer are gone; hard-wrapped lines stay in one block.
    for text in (page1, page2, page3):
        assert "Tidal Review" not in text
        assert "Page " not in text
    assert page1.startswith("Origins of the lagoon\n\nThe first lagoon was proposed")
    assert "years of argument\nbetween the developers" in page1
    assert page2.split("\n\n") == [
        "closed the door on tidal power in Britain for the rest of the decade.",
        "Supporters say the wall would stand for more than a century and pay for itself.",
        "Costs and critics",
        "Critics say the lagoon would harm wading birds that feed on the mudflats.",
    ]
    assert page3 == (
        "Outlook\n\nA review will report next spring on whether the project gets a contract."
    )


def test_pdf_paragraphs_get_the_page_they_start_on(tmp_path: Path) -> None:
    raw = read_one(write_paper(tmp_path / "paper.pdf"))
    got = paragraphs(raw)
    assert [(page, section) for page, section, _ in got] == [
        (1, None),
        (2, None),
        (2, "Costs and critics"),
        (3, "Outlook"),
    ]
    first = got[0][2]
    assert first.startswith("The first lagoon was proposed for Swansea Bay in 2012")
    assert "six years of argument between the developers and the treasury, whose final " in first
    assert first.endswith(
        "decision closed the door on tidal power in Britain for the rest of the decade."
    )
    source = to_source(1, raw, None, RULES)
    assert (source.meta.title, source.meta.author) == ("Tidal Notes", "Jane Marlow")
    assert [p.number for p in source.paragraphs] == [1, 2, 3, 4]


def test_pdf_paragraphs_without_space_between_them_end_at_a_short_last_line(
    tmp_path: Path,
) -> None:
    # Typeset like LaTeX: no extra space between paragraphs, only a short last line.
    pdf = FPDF()
    pdf.add_page()
    _lines(
        pdf,
        "Tidal lagoons store sea water behind a wall at high tide and release it later.",
        "The water then drives turbines in both directions, so output follows the moon",
        "rather than the weather.",
        "A lagoon in Swansea Bay was planned for years and refused by the government in",
        "2018, when offshore wind had become cheaper than the lagoon could ever be made.",
        "Its backers still hope for a second chance.",
    )
    path = tmp_path / "latex.pdf"
    pdf.output(str(path))
    ((number, text),) = read_one(path).pages
    assert number == 1
    assert [block.count("\n") for block in text.split("\n\n")] == [2, 2]
    assert text.split("\n\n")[1].startswith("A lagoon in Swansea Bay")


def test_word_hyphenated_over_a_page_break_is_joined_on_the_first_page() -> None:
    raw = RawDocument(
        name="paper.pdf",
        pages=(
            (
                4,
                "Tides fall.\n\nThe lagoon would hold back the sea at high\n"
                "tide and release it in a con-",
            ),
            (5, "trolled way through turbines.\n\nCritics worry about birds."),
        ),
    )
    assert paragraphs(raw) == [
        (4, None, "Tides fall."),
        (
            4,
            None,
            "The lagoon would hold back the sea at high tide and release it in a controlled "
            "way through turbines.",
        ),
        (5, None, "Critics worry about birds."),
    ]


def test_pdf_title_that_is_a_file_name_is_ignored(tmp_path: Path) -> None:
    raw = read_one(write_paper(tmp_path / "paper.pdf", title="Microsoft Word - draft3.docx"))
    assert raw.meta.title is None
    assert raw.meta.author == "Jane Marlow"


@pytest.fixture
def broken_page_two(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make pdfminer fail on page 2, as it does on some damaged content streams."""
    process = PDFPageInterpreter.process_page
    seen: list[object] = []

    def failing(interpreter: PDFPageInterpreter, page: Any) -> None:
        seen.append(page)
        if len(seen) % 3 == 2:  # the second of the paper's three pages, in every read
            raise KeyError("/Font")
        process(interpreter, page)

    monkeypatch.setattr(PDFPageInterpreter, "process_page", failing)


@pytest.mark.usefixtures("broken_page_two")
def test_pdf_page_that_fails_is_skipped_with_a_warning_or_is_an_error(tmp_path: Path) -> None:
    path = write_paper(tmp_path / "paper.pdf")
    warnings: list[str] = []
    (raw,) = read_all(path, "skip", warnings)
    assert [number for number, _ in raw.pages] == [1, 3]
    assert warnings == [
        f"{path}, page 2: cannot extract its text (KeyError: '/Font'); page skipped"
    ]
    with pytest.raises(SourceError, match=r"paper\.pdf, page 2: cannot extract its text"):
        read_all(path, "error")


def _encrypt(source: Path, target: Path, user_password: str) -> Path:
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    writer.write(target)
    return target


def test_pdf_locked_with_a_password_is_a_source_error(tmp_path: Path) -> None:
    locked = _encrypt(write_paper(tmp_path / "plain.pdf"), tmp_path / "locked.pdf", "secret")
    with pytest.raises(SourceError, match=r"locked\.pdf is encrypted with a password"):
        read_all(locked)


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    locked = _encrypt(write_paper(tmp_path / "plain.pdf"), tmp_path / "owner.pdf", "")
    assert read_one(locked).pages == read_one(tmp_path / "plain.pdf").pages


def test_pdf_without_a_text_layer_says_to_run_ocr(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_title("Scanned page")
    for shade in (200, 120):
        pdf.add_page()
        pdf.image(Image.new("RGB", (300, 400), (shade, shade, shade)), x=10, y=10, w=150)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(SourceError, match=r"scan\.pdf has no text layer.*OCR"):
        read_all(path)


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
        b"",
    ],
    ids=["png", "truncated", "empty"],
)
def test_pdf_that_is_not_a_pdf_is_a_source_error_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=r"report\.pdf"):
        read_all(path)


# --- JSONL -------------------------------------------------------------------------------

GOOD_LINES: list[dict[str, str | int | None]] = [
    {"id": "a1", "title": "Tides", "text": "The tide rises twice a day.", "author": "J. M."},
    {"_id": "b2", "text": "Lagoons hold water behind a wall.", "url": "https://example.org/b"},
    {"id": 7, "text": "Turbines turn as the water flows.", "date": "2024-01-02", "title": None},
]

# line content -> what the warning or error must say about it
BAD_LINES = {
    '{"id": "x1", "text": "unterminated': "not valid JSON",
    '["id", "text"]': "expected a JSON object, got list",
    '{"id": "x2"}': 'no "text"',
    '{"id": "x3", "text": "   "}': '"text" is empty',
    '{"id": "x4", "text": ["a", "b"]}': '"text" must be a string, got list',
    '{"id": "x5", "text": "ok", "title": 5}': '"title" must be a string, got int',
    '{"text": "no id here"}': 'no "id" (or "_id")',
    '{"id": true, "text": "bool id"}': '"id" must be a string or a whole number, got bool',
    '{"id": "a1", "text": "same id again"}': "id 'a1' already used on line 1",
}


def write_jsonl(path: Path, lines: list[str | bytes]) -> Path:
    with path.open("wb") as out:
        for line in lines:
            out.write((line.encode() if isinstance(line, str) else line) + b"\n")
    return path


def test_jsonl_every_line_is_a_document_named_after_its_id(tmp_path: Path) -> None:
    lines: list[str | bytes] = [json.dumps(record) for record in GOOD_LINES]
    lines.insert(2, "   ")  # blank lines are not documents and not errors
    lines[0] = "\ufeff" + str(lines[0])  # a byte-order mark before the first line
    docs = read_all(write_jsonl(tmp_path / "corpus.jsonl", lines))
    assert [d.name for d in docs] == ["corpus.jsonl#a1", "corpus.jsonl#b2", "corpus.jsonl#7"]
    assert [d.pages for d in docs] == [((None, str(r["text"])),) for r in GOOD_LINES]
    assert docs[0].meta == MetaOverride(title="Tides", author="J. M.")
    assert docs[1].meta == MetaOverride(url="https://example.org/b")
    assert docs[2].meta == MetaOverride(date="2024-01-02")
    titles = [to_source(i, d, None, RULES).meta.title for i, d in enumerate(docs, 1)]
    # Without a title a source is called by what is known of it: here only its date.
    assert titles == ["Tides", "corpus.jsonl#b2", "corpus.jsonl#7, 2024-01-02"]


def test_jsonl_lines_orjson_refuses_read_as_the_standard_library_reads_them(
    tmp_path: Path,
) -> None:
    # orjson parses the lines; what it reads otherwise or not at all (an integer past 64
    # bits, NaN, a lone surrogate escape) must come out as json.loads gives it.
    lines: list[str | bytes] = [
        '{"id": 123456789012345678901234567890, "text": "A big integer id."}',
        '{"id": "n", "text": "Not a number beside it.", "score": NaN}',
        '{"id": "s", "text": "A lone \\ud800 surrogate."}',
        '{"id": "f", "text": "A float beside it.", "score": 0.5}',
    ]
    docs = read_all(write_jsonl(tmp_path / "corpus.jsonl", lines))
    assert [d.name for d in docs] == [
        "corpus.jsonl#123456789012345678901234567890",
        "corpus.jsonl#n",
        "corpus.jsonl#s",
        "corpus.jsonl#f",
    ]
    assert docs[2].pages == ((None, "A lone \ud800 surrogate."),)
    assert to_source(3, docs[2], None, RULES).paragraphs[0].text == "A lone \ufffd surrogate."


def test_jsonl_bad_lines_are_skipped_with_a_warning_naming_file_and_line(
    tmp_path: Path,
) -> None:
    lines: list[str | bytes] = [json.dumps(GOOD_LINES[0])]
    lines += list(BAD_LINES)
    lines.append(b'{"id": "x9", "text": "caf\xe9"}')
    lines.append(json.dumps(GOOD_LINES[1]))
    path = write_jsonl(tmp_path / "corpus.jsonl", lines)
    warnings: list[str] = []
    docs = read_all(path, "skip", warnings)
    assert [d.name for d in docs] == ["corpus.jsonl#a1", "corpus.jsonl#b2"]
    expected = [*BAD_LINES.values(), "not UTF-8 (bad byte at column 26)"]
    assert len(warnings) == len(expected)
    for lineno, (warning, says) in enumerate(zip(warnings, expected, strict=True), start=2):
        assert warning.startswith(f"{path}, line {lineno}: ")
        assert says in warning
        assert warning.endswith("; line skipped")


@pytest.mark.parametrize(("line", "says"), list(BAD_LINES.items()))
def test_jsonl_bad_line_is_an_error_naming_file_and_line(
    tmp_path: Path, line: str, says: str
) -> None:
    path = write_jsonl(tmp_path / "corpus.jsonl", [json.dumps(GOOD_LINES[0]), line])
    policy = SourcePolicy("error", echo=False)
    docs = read_documents(path, path.name, policy)
    assert next(docs).name == "corpus.jsonl#a1"  # lines before the bad one still load
    with pytest.raises(SourceError) as caught:
        next(docs)
    assert str(caught.value).startswith(f"{path}, line 2: ")
    assert says in str(caught.value)


def test_jsonl_without_a_usable_line_is_a_source_error(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "empty.jsonl", ["", "not json", '{"id": 1}'])
    warnings: list[str] = []
    with pytest.raises(SourceError, match=r"empty\.jsonl: no usable documents \(2 bad lines"):
        read_all(path, "skip", warnings)
    assert len(warnings) == 2


def test_jsonl_is_streamed_not_read_at_once(tmp_path: Path) -> None:
    count = 50_000
    filler = "water " * 150  # ~900 bytes a line, ~45 MB in all
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            out.write(json.dumps({"id": f"d{i}", "text": f"Document {i}. {filler}"}) + "\n")
        out.write("not json\n")  # the last line is bad: its warning shows how far reading got
    size = path.stat().st_size
    policy = SourcePolicy("skip", echo=False)
    warnings = policy.warnings
    tracemalloc.start()
    try:
        docs = read_documents(path, path.name, policy)
        lazy = inspect.isgenerator(docs)  # not asserted inline: mypy would narrow docs away
        assert lazy
        assert next(docs).name == "big.jsonl#d0"
        assert warnings == []  # the bad last line has not been reached yet
        seen = 1 + sum(1 for _ in docs)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert seen == count
    assert warnings == [
        f"{path}, line {count + 1}: not valid JSON (Expecting value at column 1); line skipped"
    ]
    assert peak < size / 5, f"peak {peak} bytes while reading a {size}-byte file"


# --- Plain text and the dispatch ---------------------------------------------------------


def test_text_file_is_one_unpaged_document(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes("\ufeff# Tides\n\nThe tide rises twice a day.\n".encode())
    raw = read_one(path)
    assert raw == RawDocument(
        name="notes.txt", pages=((None, "# Tides\n\nThe tide rises twice a day.\n"),)
    )


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1251", "Прилив поднимается дважды в день, и рыбаки знают его часы наизусть."),
        ("cp1252", "Café crème: la marée monte deux fois par jour, même en été, à Saint-Malo."),
        ("utf-16", "The tide rises twice a day — and the fishermen know its hours."),
    ],
)
def test_non_utf8_text_is_decoded_and_the_encoding_named(
    tmp_path: Path, encoding: str, text: str
) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(text.encode(encoding))
    warnings: list[str] = []
    (raw,) = read_all(path, warnings=warnings)
    assert raw.pages == ((None, text),)
    assert warnings == [f"{path} is not UTF-8: read as {encoding}"]


def test_utf8_text_reads_without_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "new.txt"
    path.write_text("Прилив. Café.", encoding="utf-8")
    warnings: list[str] = []
    assert read_all(path, warnings=warnings)[0].pages == ((None, "Прилив. Café."),)
    assert warnings == []


def test_unsupported_extension_is_a_source_error_listing_the_supported_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(SourceError, match=r"report\.docx: .*\.docx files; supported: \.txt"):
        read_documents(path, path.name, SourcePolicy("skip", echo=False))
    assert set(SUPPORTED) == {".txt", ".md", ".html", ".htm", ".pdf", ".jsonl"}


def test_empty_document_is_a_source_error_naming_it() -> None:
    raw = RawDocument(name="corpus.jsonl#9", pages=((None, "\n\n  \n"),))
    with pytest.raises(SourceError, match=r"corpus\.jsonl#9 has no text left"):
        to_source(1, raw, None, RULES)


# --- PDF in three columns ------------------------------------------------------------------

RULE_SENTENCES = (
    "The agency is amending its rules for the inspection of turbine engines after failures.",
    "Inspectors found cracks in the fan blades of aircraft operated by regional carriers.",
    "The new inspections will cost operators about four million dollars over ten years.",
    "Comments received during the consultation supported the proposal on the whole.",
    "Two airlines asked for a longer compliance period than the one first proposed.",
    "A crash near Jakarta in October, in which a jet operated by a carrier from "
    "Soekarno-Hatta airport went down, killed all 189 people on board.",
    "The rule takes effect thirty days after its publication in the Federal Register.",
    "It applies to every aircraft registered in the United States and its territories.",
    "Operators must report any crack longer than two millimetres within a day.",
    "The agency will review the inspection intervals again after three years of reports.",
    "Manufacturers have already changed the alloy used in the blades made since June.",
    "Older blades will be replaced at the next overhaul of each engine, whichever comes first.",
)


def _column_lines(text: str, width: int) -> list[str]:
    """Wrap a paragraph to a column, hyphenating some long words at line ends as typesetters do."""
    lines: list[str] = []
    words = text.split()
    line = ""
    for word in words:
        if len(line) + 1 + len(word) <= width:
            line = f"{line} {word}".strip()
        elif len(word) > 8 and word.isalpha() and len(line) + 1 + len(word) // 2 + 1 <= width:
            cut = len(word) // 2
            lines.append(f"{line} {word[:cut]}-")
            line = word[cut:]
        else:
            lines.append(line)
            line = word
    return [*lines, line]


def write_three_columns(path: Path) -> list[str]:
    """Write a two-page PDF in three columns, drawn row by row across the columns (as some
    typesetters do, so that the content stream interleaves them), with a running header,
    page numbers and a printer's slug; return its paragraphs."""
    paragraphs = [
        " ".join(RULE_SENTENCES[(i + j) % 12] for j in steps)
        for steps in ((0, 5, 7), (0, 3, 8))
        for i in range(12)
    ]
    column: list[str] = []
    for paragraph in paragraphs:
        column += [*_column_lines(paragraph, 38), ""]
    pdf = FPDF(format="letter")
    pdf.set_title("Airworthiness Directives; Turbine Engines")
    rows, xs = 40, (15, 80, 145)
    for page, start in enumerate(range(0, len(column), rows * 3), start=1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=7)
        pdf.text(60, 15, "Federal Register / Vol. 84, No. 223 / Tuesday, November 19, 2019 / Rules")
        pdf.text(190, 15, str(63900 + page))
        pdf.text(100, 270, f"VerDate Sep<11>2014 17:10 Nov 18, 2019 Frm {page:05d}")
        pdf.set_font("Times", size=9)
        chunk = column[start : start + rows * 3]
        columns = [chunk[c * rows : (c + 1) * rows] for c in range(3)]
        for row in range(rows):
            for c, x in enumerate(xs):
                if row < len(columns[c]) and columns[c][row]:
                    pdf.text(x, 30 + row * 4.2, columns[c][row])
    pdf.output(str(path))
    return paragraphs


def test_pdf_in_three_columns_is_read_in_whole_sentences(tmp_path: Path) -> None:
    written = write_three_columns(tmp_path / "rule.pdf")
    warnings: list[str] = []
    (raw,) = read_all(tmp_path / "rule.pdf", warnings=warnings)
    assert warnings == []
    assert [number for number, _ in raw.pages] == [1, 2]
    source = to_source(1, raw, None, RULES)
    texts = [p.text for p in source.paragraphs]
    # Every paragraph is whole (across columns and the page break), none starts mid-sentence,
    # and no running header, page number or slug is left.
    assert texts == written
    assert [p.page for p in source.paragraphs][-1] == 2
    for text in texts:
        assert "Register / Vol." not in text and "VerDate" not in text and "6390" not in text
    assert any("Soekarno-Hatta airport" in text for text in texts)


def test_pdf_reading_prints_no_library_warnings(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    import logging

    write_three_columns(tmp_path / "rule.pdf")
    logging.basicConfig()  # what a terminal would show
    read_all(tmp_path / "rule.pdf")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_loses_its_syntax_but_keeps_its_structure(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "---\ntitle: front matter\n---\n"
        "# Tides of the Severn\n\n"
        "The [tide](https://example.org/tide) rises **twice** a day ![chart](c.png).\n\n"
        "## Why it matters\n\n"
        "- Power from the *sea*\n- Birds on the [mudflats](m.html)\n\n"
        "1. Build the wall\n2. Fill the lagoon\n\n"
        "| Year | Height |\n|---|---|\n| 2012 | 14 m |\n",
        encoding="utf-8",
    )
    source = to_source(1, read_one(path), None, RULES)
    assert source.meta.title == "Tides of the Severn"
    assert [(p.section, p.text) for p in source.paragraphs] == [
        (None, "The tide rises twice a day."),
        ("Why it matters", "• Power from the sea"),
        ("Why it matters", "• Birds on the mudflats"),
        ("Why it matters", "1. Build the wall"),
        ("Why it matters", "2. Fill the lagoon"),
        ("Why it matters", "| Year | Height |"),
        ("Why it matters", "| 2012 | 14 m |"),
    ]


# --- HTML metadata ---------------------------------------------------------------------------


def test_html_author_that_is_no_name_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    body = "".join(f"<p>{text}</p>" for text in ARTICLE)
    path.write_text(
        "<html><head><title>Tidal power returns</title>"
        '<meta name="author" content="The Russian; Syrian defense ministries"></head>'
        f"<body><article><h1>Tidal power returns</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    raw = read_one(path)
    assert raw.meta.author is not None  # trafilatura takes it ...
    assert to_source(1, raw, None, RULES).meta.author is None  # ... sourcebot does not


@pytest.mark.parametrize("chunk_bytes", [7, 40, 64, 1 << 20])
def test_jsonl_chunks_cut_at_line_ends_and_leave_out_lines_over_the_limit(
    tmp_path: Path, chunk_bytes: int
) -> None:
    # Blocks are read whole and cut at the last line end; a line over max_bytes, inside a
    # block or cut by its end, is None and keeps its line number; no line is lost or split.
    long = b'{"id": "x", "text": "' + b"z" * 60 + b'"}'
    lines = [b'{"id": "a", "text": "one"}', long, b"", b'{"id": "b", "text": "two"}', long]
    path = tmp_path / "c.jsonl"
    path.write_bytes(b"\n".join(lines) + b'\n{"id": "c", "text": "three"}')
    chunks = list(line_chunks(path, 40, chunk_bytes=chunk_bytes))
    got = [line for chunk in chunks for line in chunk.lines]
    assert got == [lines[0], None, b"", lines[3], None, b'{"id": "c", "text": "three"}']
    numbers = [chunk.first_line for chunk in chunks]
    counts = [len(chunk.lines) for chunk in chunks]
    assert counts == [chunk.line_count for chunk in chunks]
    assert numbers == [1 + sum(counts[:i]) for i in range(len(chunks))]


def test_known_ids_answer_alike_scanned_or_from_their_set() -> None:
    """A grown dump's old ids: the first lookups scan the saved names, later ones use a
    set made once; both say the same, and only an id of this file counts."""
    names = [f"dump.jsonl#{i}" for i in range(50)] + ["other.jsonl#x"]
    known = KnownIds(names, "dump.jsonl")
    asked = ["3", "x", "49", "50", "dump.jsonl#3", ""] * (SCANNED_LOOKUPS // 3)
    answers = [a in known for a in asked]
    assert known._ids is not None  # past the scanned lookups: the set was made
    assert answers == [a in KnownIds(names, "dump.jsonl")._as_set() for a in asked]
    assert answers[:6] == [True, False, True, False, False, False]
    assert not known.__contains__(3)  # not an id at all
