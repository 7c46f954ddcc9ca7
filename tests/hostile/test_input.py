"""Property tests: any text a user or a source can send is tokenized, answered and rendered.

This module owns the hostile-text contract from the tokenizer to the reply: for any Unicode
string (bidi controls, zero-width and format characters, flags and ZWJ emoji, stacked
combining marks, C0/C1 controls, lone surrogates, text that looks like HTML, 100,000
characters) nothing raises, token spans point into the text, and every reply is valid
Telegram HTML (tests/telegram_html.py) of at most 4096 UTF-16 units, or terminal text
without control characters that any encoding can print.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import render_html, render_terminal
from retrieval.answer.library import Library
from retrieval.model import (
    Answer,
    Hit,
    Paragraph,
    ParagraphContext,
    Passage,
    Quote,
    Source,
    SourceMeta,
    Summary,
    SummarySentence,
)
from retrieval.text.tokenize import Tokenizer, clean_text
from tests.support.telegram_html import parse_telegram_html, utf16_len

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_MODELS = settings(FUZZ, max_examples=100)

RTL = "\u200f\u202e"  # right-to-left mark, right-to-left override
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
FLAGS = "\U0001f1fa\U0001f1e6\U0001f1f7\U0001f1fa"  # regional indicators: two flags
ZWJ_FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
STACKED = "e" + "\u0301\u0302\u0303\u0304\u0308" * 8  # one letter, forty combining marks
CONTROLS = "".join(map(chr, range(0x20))) + "\x7f\x85"
SURROGATES = "\ud800\udbff\udc00\udfff"  # lone, as JSON "\\ud800" escapes decode them
HTML_LIKE = '<b>bold</b> &amp; &lt; &#0; &bogus; </blockquote><a href="x">'
ESCAPE = "\x1b[2J\x1b]0;pwned\x07"  # clear screen, set the window title
PIECES = (
    *RTL,
    *ZERO_WIDTH,
    FLAGS,
    ZWJ_FAMILY,
    STACKED,
    *CONTROLS,
    *SURROGATES,
    HTML_LIKE,
    ESCAPE,
    "<",
    ">",
    "&",
    '"',
    "'",
    "\U0010ffff",
    "\U0001f600",
    "Lavrov",
    "Kerry",
    "sanctions",
    "Ukraine",
    "Лавров",
    "U.S.",
    "12,000",
    "don't",
    " ",
    "\n",
)
HUGE = 100_000
BIG = (
    "x" * HUGE,
    ("sanctions " * (HUGE // 10))[:HUGE],
    FLAGS * (HUGE // len(FLAGS)),
    "e" + "\u0301" * (HUGE - 1),
    ("<b>&amp;</blockquote>" * HUGE)[:HUGE],
    (RTL + ZERO_WIDTH + "Kerry ") * (HUGE // 13),
    (CONTROLS + SURROGATES) * (HUGE // 38),
)

# Any code point, surrogates included: st.text() leaves them out.
any_char = st.characters(codec=None, categories=None) | st.sampled_from(SURROGATES)
small_text = st.one_of(
    st.text(),
    st.text(any_char, max_size=40),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=30).map("".join),
)
hostile_text = small_text | st.sampled_from(BIG)
# For the many fields of a model object: 100,000 characters in one field in sixteen, so an
# answer of twenty hits carries a few, not forty (the terminal renderer wraps them all).
field_text = st.integers(0, 15).flatmap(lambda n: st.sampled_from(BIG) if n == 0 else small_text)
optional_text = st.none() | field_text
urls = st.one_of(
    st.none(),
    field_text,
    field_text.map(lambda t: "https://example.org/" + t),
    st.sampled_from(
        (
            "javascript:alert(1)",
            "https://x.org/?a=1&b=<2>\"'",
            "https://x.org/" + "a" * HUGE,
            "http://\ud800.org/",
        )
    ),
)
_OUR_ANSI = re.compile(r"\x1b\[[012]?m")
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def assert_telegram_html(text: str) -> None:
    """Fail unless text is a message Telegram accepts: valid HTML, sendable, not too long."""
    text.encode("utf-8")  # lone surrogates cannot go over the wire
    parsed = parse_telegram_html(text)
    assert utf16_len(parsed.text) <= render_html.LIMIT, utf16_len(parsed.text)
    assert parsed.text.strip(), "Telegram refuses an empty message"


def assert_terminal_text(text: str) -> None:
    """Fail unless text prints anywhere: no control characters but ours, newline and tab."""
    text.encode("utf-8")
    found = _UNPRINTABLE.search(_OUR_ANSI.sub("", text))
    assert found is None, f"{found.group()!r} at {found.start()}"


# --- The tokenizer ------------------------------------------------------------------------

TOKENIZERS = (Tokenizer(), Tokenizer(stem=False, stopwords=False))


@FUZZ
@given(text=hostile_text)
@example(text=RTL + "Kerry" + ZERO_WIDTH + "Lavrov")
@example(text=FLAGS + ZWJ_FAMILY + STACKED)
@example(text=CONTROLS + SURROGATES + HTML_LIKE)
@example(text="a" * HUGE)
def test_tokenizer_never_raises_and_spans_point_inside_the_text(text: str) -> None:
    for tokenizer in TOKENIZERS:
        terms = tokenizer.tokenize(text)
        words = tokenizer.words(text)
        assert all(isinstance(w, str) and w for w in words)
        clean = clean_text(text)
        spans = tokenizer.spans(clean)
        assert [s.term for s in spans] == terms
        cursor = 0
        for span in spans:
            assert cursor <= span.start < span.end <= len(clean)
            assert span.term and tokenizer.term(clean[span.start : span.end]) == span.term
            cursor = span.end


@FUZZ
@given(text=hostile_text)
def test_clean_text_leaves_no_control_or_format_characters(text: str) -> None:
    clean = clean_text(text)
    assert clean_text(clean) == clean
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\ufeff]", clean)


# --- The library: answers, summaries, source lookup ---------------------------------------


@FUZZ
@given(question=hostile_text, top_k=st.sampled_from([None, 20]), offset=st.sampled_from([0, 3]))
@example(question="Lavrov" + RTL + " Kerry\u200b sanctions", top_k=None, offset=0)
@example(question=HTML_LIKE + " Kerry", top_k=20, offset=0)
@example(question=FLAGS + " Ukraine " + ZWJ_FAMILY, top_k=None, offset=0)
@example(question="sanctions " * 10_000, top_k=20, offset=0)
def test_any_question_gets_a_reply_that_fits(
    library: Library, question: str, top_k: int | None, offset: int
) -> None:
    answer = library.answer(question, top_k=top_k, offset=offset)
    assert_telegram_html(render_html.render_answer(answer))
    assert_terminal_text(render_terminal.render_answer(answer, color=True))
    assert_terminal_text(render_terminal.render_answer(answer, color=False))


@FUZZ
@given(topic=hostile_text, sentences=st.sampled_from([None, 50]))
@example(topic="sanctions " * 10_000, sentences=50)
@example(topic="Russia" + CONTROLS + SURROGATES, sentences=None)
@example(topic=HTML_LIKE + " Ukraine", sentences=None)
def test_any_topic_gets_a_summary_that_fits(
    library: Library, topic: str, sentences: int | None
) -> None:
    summary = library.summarize(topic=topic, max_sentences=sentences)
    assert summary.topic == (topic or None)
    assert_telegram_html(render_html.render_summary(summary))
    assert_terminal_text(render_terminal.render_summary(summary, color=True))


@FUZZ
@given(ref=hostile_text | st.sampled_from(["1", "2", "²", "٣", "9" * 5000, "0" * 100 + "1"]))
def test_any_source_reference_finds_one_source_or_none(library: Library, ref: str) -> None:
    found = library.find_source(ref)
    assert found is None or found in library.sources
    if found is not None:
        summary = library.summarize(source=found, topic=ref)
        assert_telegram_html(render_html.render_summary(summary))


def test_source_numbers_in_other_scripts_and_huge_numbers(library: Library) -> None:
    # Sources are made when asked for (a million documents are not a million objects).
    first = library.sources[0]
    for ref in ("1", "\u0661"):  # and the Arabic-Indic one
        found = library.find_source(ref)
        assert found is not None and (found.number, found.meta) == (first.number, first.meta)
    assert library.find_source("²") is None  # a digit, but no number int() takes
    assert library.find_source("9" * 5000) is None  # past int()'s 4,300 digits


# --- The renderers, on any content the model can carry ------------------------------------


@st.composite
def quotes(draw: st.DrawFn) -> Quote:
    text = draw(field_text)
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=6)))
    return Quote(text, tuple(zip(cuts[::2], cuts[1::2], strict=False)))


@st.composite
def metas(draw: st.DrawFn) -> SourceMeta:
    return SourceMeta(
        file=draw(field_text),
        title=draw(field_text),
        author=draw(optional_text),
        publisher=draw(optional_text),
        date=draw(optional_text),
        url=draw(urls),
    )


@st.composite
def hits(draw: st.DrawFn, rank: int) -> Hit:
    meta = draw(metas())
    quote = draw(quotes())
    passage = Passage(
        id=rank,
        source=meta.file,
        paragraph=draw(st.integers(1, 10**9)),
        part=1,
        text=quote.text,
        section=draw(optional_text),
        page=draw(st.none() | st.integers(1, 10**9)),
    )
    return Hit(rank, passage, meta, 1.0, quote, quote.text)


@st.composite
def answers(draw: st.DrawFn) -> Answer:
    count = draw(st.integers(0, 20))
    found = draw(st.booleans()) or count > 0
    return Answer(
        question=draw(field_text),
        found=found,
        hits=tuple(draw(hits(rank)) for rank in range(1, count + 1)) if found else (),
        corrected_terms=draw(st.dictionaries(field_text, field_text, max_size=32)),
        terms=tuple(draw(st.lists(field_text, max_size=3))),
        more=draw(st.booleans()),
    )


@st.composite
def summaries(draw: st.DrawFn) -> Summary:
    sources = draw(st.lists(metas(), min_size=1, max_size=4))
    sentences = tuple(
        SummarySentence(draw(field_text), meta.file, draw(st.integers(1, 10**6)), meta)
        for meta in draw(st.lists(st.sampled_from(sources), max_size=50))
    )
    source = draw(st.none() | st.sampled_from([m.file for m in sources]))
    return Summary(source=source, topic=draw(optional_text), sentences=sentences)


@st.composite
def paragraphs(draw: st.DrawFn, number: int) -> Paragraph:
    return Paragraph(
        source=draw(field_text),
        number=number,
        text=draw(field_text),
        section=draw(optional_text),
        page=draw(st.none() | st.integers(1, 10**9)),
    )


@st.composite
def contexts(draw: st.DrawFn) -> ParagraphContext:
    number = draw(st.integers(1, 10**9))
    return ParagraphContext(
        meta=draw(metas()),
        paragraph=draw(paragraphs(number)),
        before=draw(st.none() | paragraphs(number - 1)),
        after=draw(st.none() | paragraphs(number + 1)),
    )


@st.composite
def source_rows(draw: st.DrawFn) -> list[tuple[Source, int]]:
    rows: list[tuple[Source, int]] = []
    for number in range(1, draw(st.integers(0, 30)) + 1):
        paras = tuple(draw(st.lists(paragraphs(1), max_size=2)))
        rows.append((Source(number, draw(metas()), paras), draw(st.integers(0, 10**9))))
    return rows


@FUZZ_MODELS
@given(answer=answers())
def test_any_answer_renders(answer: Answer) -> None:
    assert_telegram_html(render_html.render_answer(answer))
    assert_terminal_text(render_terminal.render_answer(answer, color=True))
    assert_terminal_text(render_terminal.render_answer(answer, color=False))


@FUZZ_MODELS
@given(summary=summaries())
def test_any_summary_renders(summary: Summary) -> None:
    assert_telegram_html(render_html.render_summary(summary))
    assert_terminal_text(render_terminal.render_summary(summary, color=True))
    assert_terminal_text(render_terminal.render_summary(summary, color=False))


@FUZZ_MODELS
@given(ctx=contexts())
def test_any_context_renders(ctx: ParagraphContext) -> None:
    assert_telegram_html(render_html.render_context(ctx))


@FUZZ_MODELS
@given(rows=source_rows(), example_question=field_text)
def test_any_source_list_renders(rows: list[tuple[Source, int]], example_question: str) -> None:
    if rows:
        assert_telegram_html(render_html.render_sources(rows))
        assert_telegram_html(render_html.render_start([s for s, _ in rows], example_question))
        for source, _ in rows[:3]:
            assert_telegram_html(render_html.render_source_card(source))
    assert_terminal_text(render_terminal.render_sources(rows))


def _meta(text: str, url: str | None = None) -> SourceMeta:
    return SourceMeta(file=text, title=text, author=text, publisher=text, date=text, url=url)


def _huge_hit(rank: int) -> Hit:
    text = "Kerry " * (HUGE // 6)
    passage = Passage(rank, "f", 1, 1, text, section="S" * HUGE, page=1)
    return Hit(rank, passage, _meta("T" * HUGE), 1.0, Quote(text, ((0, 5),)), text)


@pytest.mark.parametrize(
    "render",
    [
        lambda: render_html.render_answer(
            Answer("q", True, tuple(_huge_hit(r) for r in range(1, 21)), terms=("kerri",))
        ),
        lambda: render_html.render_summary(
            Summary(
                None,
                "t" * HUGE,
                tuple(SummarySentence("s " * HUGE, "f", 1, _meta("T" * HUGE)) for _ in range(50)),
            )
        ),
        lambda: render_html.render_sources([(Source(1, _meta("T" * HUGE), ()), 1)]),
    ],
    ids=["20 hits", "50 sentences", "one source"],
)
def test_hundred_thousand_characters_in_every_field_still_fit(render: Callable[[], str]) -> None:
    reply = render()
    assert_telegram_html(reply)
    # Something of each part is shown: quotes are shortened, not dropped to nothing.
    assert "…" in parse_telegram_html(reply).text


def test_a_lone_surrogate_is_replaced_not_sent() -> None:
    meta = _meta("A\ud800B", url="https://x.org/\udfff")
    hit = Hit(1, Passage(0, "f", 1, 1, "Kerry\udc80"), meta, 1.0, Quote("Kerry\udc80"), "")
    reply = render_html.render_answer(Answer("q", True, (hit,), terms=("kerri",)))
    assert_telegram_html(reply)
    assert "A\ufffdB" in reply and "Kerry\ufffd" in reply
