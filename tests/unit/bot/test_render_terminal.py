"""Terminal text: wrapped to the width measured without escape codes, styles closed on
every line, wide characters counted as two columns."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.render_terminal import BOLD, QUOTE_BAR, display_width, render_answer, wrap
from retrieval import Library

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _plain(line: str) -> str:
    return _ANSI.sub("", line)


def test_wrapping_ignores_escape_codes(library: Library) -> None:
    answer = library.answer("Kerry Lavrov Putin Sochi sanctions Russia")
    colored = render_answer(answer, color=True, width=50)
    plain = render_answer(answer, color=False, width=50)
    assert "\x1b[1m" in colored
    assert [_plain(line) for line in colored.splitlines()] == plain.splitlines()
    assert all(display_width(_plain(line)) <= 50 for line in colored.splitlines())
    # Bold never runs on into the next line (or into the quote bar).
    for line in colored.splitlines():
        assert line.count(BOLD) == line.count("\x1b[0m") - line.count("\x1b[2m")


def test_the_width_is_taken(library: Library) -> None:
    answer = library.answer("Was Crimea discussed?")
    narrow = render_answer(answer, width=40).splitlines()
    wide = render_answer(answer, width=160).splitlines()
    assert max(map(display_width, narrow)) <= 40 < max(map(display_width, wide))


def test_wide_characters_take_two_columns() -> None:
    lines = wrap([("日本語の文章 " * 10, None)], 20, QUOTE_BAR)
    assert len(lines) > 1 and all(display_width(line) <= 20 for line in lines)
    assert display_width("日本") == 4 and display_width("e\u0301") == 1


PRINTABLE = st.characters(categories=["L", "N", "P", "S", "Mn"])


@given(
    words=st.lists(st.text(PRINTABLE, min_size=1, max_size=12), max_size=30),
    width=st.integers(20, 120),
)
def test_any_text_keeps_its_words_and_fits(words: list[str], width: int) -> None:
    text = " ".join(words)
    lines = wrap([(text, BOLD)], width, "  ")
    assert [w for line in lines for w in _plain(line).split()] == text.split()
    for line in lines:
        if len(_plain(line).split()) > 1:  # a single long word may overflow, never split
            assert display_width(_plain(line)) <= width
