"""Links to the exact place of a quote: URL text fragments percent-encoded as the WICG spec
requires, unique enough and short, and PDF pages."""

from __future__ import annotations

from urllib.parse import unquote

from retrieval.answer.locators import (
    MAX_URL,
    encode_part,
    page_link,
    quote_link,
    text_directive,
    with_directive,
)

LONG = (
    "The issue of Crimea was not brought up at all, which is a fairly important result "
    "for both sides of the talks."
)


def _parts(directive: str | None) -> list[str]:
    assert directive is not None and directive.startswith("text=")
    return [unquote(p) for p in directive.removeprefix("text=").split(",")]


def test_reserved_characters_are_percent_encoded() -> None:
    encoded = encode_part("US-Russia talks, Kerry & Lavrov: 100% #1 ‘agenda’")
    assert "-" not in encoded and "," not in encoded and "&" not in encoded
    assert " " not in encoded and "#" not in encoded and "%" in encoded
    # What is left bare is only what the spec allows unencoded.
    assert set(encoded) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789%_.~")
    assert unquote(encoded) == "US-Russia talks, Kerry & Lavrov: 100% #1 ‘agenda’"


def test_a_short_quote_is_named_whole() -> None:
    assert _parts(text_directive("Kerry met Lavrov in Sochi.")) == ["Kerry met Lavrov in Sochi."]
    assert text_directive("   ") is None


def test_a_long_quote_is_named_by_its_first_and_last_words() -> None:
    assert _parts(text_directive(LONG)) == ["The issue of Crimea", "sides of the talks."]


def test_the_start_grows_while_it_also_stands_earlier_in_the_source() -> None:
    earlier = "Earlier: the issue of Crimea was raised by the press."
    start, end = _parts(text_directive(LONG, earlier))
    assert start == "The issue of Crimea was not"  # "... was" alone also stands earlier
    assert end == "sides of the talks."


def test_the_end_grows_while_it_also_stands_earlier_in_the_quote() -> None:
    quote = "One two three four five the end of it all and then six seven the end of it all"
    start, end = _parts(text_directive(quote))
    assert start == "One two three four"
    assert end == "seven the end of it all"  # "the end of it all" first stands mid-quote
    # Punctuation counts: "day." stands only at the end.
    quote = "One two three four the end of the day, and then more words: the end of the day."
    assert _parts(text_directive(quote))[1] == "end of the day."


def test_links_keep_the_address_and_a_fragment_it_had() -> None:
    url = "https://example.org/a?x=1#section-2"
    assert with_directive(url, "text=a") == "https://example.org/a?x=1#section-2:~:text=a"
    assert with_directive(url + ":~:text=old", "text=a").endswith("#section-2:~:text=a")
    assert page_link("https://example.org/r.pdf#foo", 7) == "https://example.org/r.pdf#page=7"


def test_quote_link_by_kind_of_source() -> None:
    paragraph = "Before this. " + LONG
    link = quote_link("https://x.org/p", LONG, paragraph, None, lambda: "")
    assert link == "https://x.org/p#:~:text=The%20issue%20of%20Crimea,sides%20of%20the%20talks."
    assert quote_link("https://x.org/r.pdf", LONG, paragraph, 7, lambda: "") == (
        "https://x.org/r.pdf#page=7"
    )
    assert quote_link(None, LONG, paragraph, 7, lambda: "") is None
    huge = "https://x.org/" + "a" * (MAX_URL - 30)
    assert quote_link(huge, LONG, paragraph, None, lambda: "") == huge  # no fragment: too long
