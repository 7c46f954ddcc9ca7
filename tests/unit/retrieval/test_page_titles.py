"""Tests for retrieval.evaluate.page_titles: the titles a page gives itself, and "right"."""

from __future__ import annotations

from retrieval.evaluate.extraction import token_scores
from retrieval.evaluate.page_titles import page_titles, title_is_right

PAGE = """<html><head><title>Harbour wall approved | The Coast Times</title>
<meta property="og:title" content="Harbour wall approved after floods">
<meta name="description" content="Not a title"></head>
<body><h1>Harbour wall <em>approved</em></h1><h2>Related</h2></body></html>"""


def _f1(a: str, b: str) -> float:
    return token_scores(a, b)[2]


def test_a_page_gives_its_og_title_its_title_and_its_headings() -> None:
    assert page_titles(PAGE) == [
        "Harbour wall approved | The Coast Times",
        "Harbour wall approved after floods",
        "Harbour wall approved",
    ]


def test_a_title_is_right_when_it_agrees_with_one_of_them() -> None:
    references = page_titles(PAGE)
    assert title_is_right("Harbour wall approved", references, _f1)
    assert not title_is_right("Sign in to comment", references, _f1)
    assert not title_is_right(None, references, _f1)
    assert not title_is_right("Harbour wall approved", [], _f1)
