"""Where a quote stands in its original, as a link a reader can open.

A web source gets a URL text fragment (WICG "Scroll to Text Fragment": `#:~:text=start,end`),
which browsers scroll to and highlight; a PDF with an address gets `#page=N`. The fragment
names the quote by its first and last words: at least MIN_WORDS each, more while the start
also stands earlier in the source (a browser takes the first match; checked as written, the
first letter in either case, in the BEFORE_CHARS before the quote) or the end also stands
earlier inside the quote (it takes the first end after the start); a quote of at most
WHOLE_QUOTE_WORDS words is named whole. Each part is percent-encoded as the spec requires:
everything but ASCII letters, digits and `_.~`, so `-`, `&` and `,` (the directive's own
syntax) never stand bare. Cleaned text can differ from the page (rejoined hyphenation, a
dropped caption in between); a fragment that matches nothing only leaves the page unscrolled.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

MIN_WORDS = 4
MAX_WORDS = 10
WHOLE_QUOTE_WORDS = 8
MAX_URL = 2048  # longer links are given without the fragment
# How much of the source before the quote is checked for an earlier match of its start
# (a scan of 50 KB takes microseconds; folding it for case would take 100 µs a hit).
BEFORE_CHARS = 50_000


def encode_part(text: str) -> str:
    """Return text percent-encoded for a text directive (`-`, `&` and `,` included)."""
    return quote(text, safe="").replace("-", "%2D")


def _fold(text: str) -> str:
    """Return text as a browser compares it: whitespace runs as one space, case folded."""
    return " ".join(text.split()).casefold()


def _stands_in(phrase: str, text: str) -> bool:
    """Say whether phrase stands in text, with its first letter in either case (a sentence's
    start stands lower-case inside another one; browsers match regardless of case)."""
    return phrase in text or (phrase[:1].swapcase() + phrase[1:]) in text


def text_directive(quote_text: str, before: str = "") -> str | None:
    """Return `text=start,end` (or `text=whole`) for quote_text, which stands after `before`."""
    words = quote_text.split()
    if not words:
        return None
    if len(words) <= WHOLE_QUOTE_WORDS:
        return "text=" + encode_part(" ".join(words))
    k = MIN_WORDS
    while k < MAX_WORDS and _stands_in(" ".join(words[:k]), before):
        k += 1
    j = MIN_WORDS
    while j < MAX_WORDS and k + j < len(words):
        between = _fold(" ".join(words[k:]))
        end = _fold(" ".join(words[-j:]))
        if between.find(end) == len(between) - len(end):
            break
        j += 1
    if k + j >= len(words):
        return "text=" + encode_part(" ".join(words))
    return f"text={encode_part(' '.join(words[:k]))},{encode_part(' '.join(words[-j:]))}"


def with_directive(url: str, directive: str) -> str:
    """Return url with a fragment directive, after any fragment it has (and none it had)."""
    base, _, fragment = url.partition("#")
    fragment = fragment.split(":~:", 1)[0]
    return f"{base}#{fragment}:~:{directive}"


def page_link(url: str, page: int) -> str:
    """Return url opening at a PDF page (`#page=N`, which PDF viewers read)."""
    return f"{url.partition('#')[0]}#page={page}"


def quote_link(
    url: str | None,
    quote_text: str,
    paragraph: str,
    page: int | None,
    earlier: Callable[[], str],
) -> str | None:
    """Return the link to a quote of `paragraph`, or None when the source has no address.

    earlier() gives the source's text before the paragraph (only asked for a web source).
    """
    if not url:
        return None
    if page is not None:
        return page_link(url, page)
    at = paragraph.find(quote_text)
    before = earlier() + "\n" + paragraph[: max(at, 0)]
    directive = text_directive(quote_text, before)
    if directive is None:
        return url
    link = with_directive(url, directive)
    return link if len(link) <= MAX_URL else url
