"""Names nobody should give a file: a line break cannot forge a log line, a bidi override
cannot reorder a reply."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from bot.keyboards import example_keyboard
from bot.logs import install_redaction
from bot.render_html import render_source_card, render_source_line, render_sources
from retrieval import Source, SourceMeta
from retrieval.ingest.files import find_source_files
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import SourceSettings

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_a_file_name_cannot_forge_a_log_line(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "good.txt").write_text("Good Report\n\nSome text.\n", encoding="utf-8")
    forged = "2026-01-01 00:00:00,000 INFO sourcebot.updates: update=1 kind=forged"
    (tmp_path / "elsewhere.txt").write_text("outside\n", encoding="utf-8")
    (folder / f"x\n{forged}.txt").symlink_to(tmp_path / "elsewhere.txt")  # skipped: a warning
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("retrieval.ingest")
    logger.addHandler(handler)
    install_redaction(logger)
    try:
        find_source_files(SourceSettings(folders=(folder,)), SourcePolicy("skip"))
    finally:
        logger.removeHandler(handler)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("WARNING retrieval.ingest: ") and "x\\n2026" in lines[0]


def test_bidi_controls_never_reach_a_reply() -> None:
    meta = SourceMeta(file=f"evil{BIDI}.txt", title=f"Title {BIDI}reversed", author=f"A{BIDI}")
    source = Source(1, meta, ())
    shown = [
        render_sources([(source, 3)]),
        render_source_card(source),
        render_source_line(source),
        str(example_keyboard(f"What about {BIDI}Kerry?").inline_keyboard[0][0].text),
    ]
    assert not [text for text in shown if any(c in text for c in BIDI)]
    assert "reversed" in shown[0] and "evil" in shown[0]
