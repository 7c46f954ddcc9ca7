"""The titles an HTML page gives itself, to check the title cleaning found: a dev measure.

A page names its article in its `<title>` element (often with the site's name after a
separator), in `og:title` / `twitter:title` meta tags and in `<h1>` headings. A title found
for the page (from its HTML or from its text copy) is right when it agrees with any of
them: token F1 at least RIGHT_F1 (`sourcebot eval DIR`, key `titles_right`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html.parser import HTMLParser

RIGHT_F1 = 0.5
_META = frozenset({"og:title", "twitter:title"})


class _Titles(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            named = dict(attrs)
            kind = (named.get("property") or named.get("name") or "").lower()
            if kind in _META and named.get("content"):
                self.found.append(str(named["content"]))
        elif tag in ("title", "h1") and self._open is None:
            self._open, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            text = " ".join("".join(self._text).split())
            if text:
                self.found.append(text)
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)


def page_titles(html: str) -> list[str]:
    """Return the titles an HTML page gives itself, in page order: <title>, og/twitter, <h1>."""
    parser = _Titles()
    parser.feed(html)
    parser.close()
    return parser.found


def title_is_right(
    title: str | None,
    references: Sequence[str],
    f1: Callable[[str, str], float],
) -> bool:
    """Say whether a found title agrees (token F1 >= RIGHT_F1) with one of the page's own."""
    return title is not None and any(f1(title, ref) >= RIGHT_F1 for ref in references)
