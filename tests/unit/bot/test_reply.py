"""What the bot says, decided once (wording.py, reply.py) and drawn by both renderers:
compact labels, the full reference once per source, what a follow-up searched, summaries
laid out by paragraph, /help and the command menu."""

from __future__ import annotations

import re

from bot import render_html, render_terminal
from bot import wording as w
from bot.app import commands as menu_commands
from bot.reply import Chunk, answer_reply, summary_reply
from retrieval import Answer, Hit, Library, Passage, Quote, SourceMeta, Summary, SummarySentence
from tests.support.seed_facts import SEED_004
from tests.support.telegram_html import parse_telegram_html

WEB = SourceMeta(
    file="w.html", title="A Page", author="Ann Lee", publisher="Daily", url="https://d.org/p"
)


def _text(reply: tuple[Chunk, ...]) -> str:
    return "\n".join(
        "".join(r.text for r in line.runs)
        for chunk in reply
        for line in (*chunk.before, *chunk.after)
    )


def test_labels_under_quotes_and_each_reference_once(library: Library) -> None:
    answer = library.answer("Russia", top_k=3)  # three quotes, all from source 2
    html = render_html.render_answer(answer)
    text = parse_telegram_html(html).text
    assert text.count("[2] Roy, IDSA · ") == 3
    assert text.count("Institute for Defence Studies and Analyses") == 1
    assert text.endswith(
        "[2] Kerry’s Visit To Sochi: New Dynamics Of Russia-US Engagement – Analysis"
        " — Rajorshi Roy, Institute for Defence Studies and Analyses"
    )
    # A chat that already has the reference gets the labels only.
    again = parse_telegram_html(render_html.render_answer(answer, frozenset({SEED_004}))).text
    assert "Institute for Defence" not in again and again.count("[2] Roy, IDSA") == 3


def test_both_renderers_say_the_same_words(library: Library) -> None:
    answer = library.answer("Was Crimea discussed?")
    html = parse_telegram_html(render_html.render_answer(answer)).text
    terminal = render_terminal.render_answer(answer, width=1000)
    for line in _text(answer_reply(answer)).splitlines():
        assert line in html and line in terminal
    for hit in answer.hits:
        assert hit.quote.text in html and hit.quote.text in terminal


def test_a_follow_up_says_what_it_searched(library: Library) -> None:
    answer = library.answer("and Syria?", context=("Kerry", "Putin", "Sochi"))
    html = render_html.render_answer(answer)
    assert parse_telegram_html(html).text.startswith(
        "Searched for: Syria · with: Kerry, Putin, Sochi\n"
    )
    assert "<b>Syria</b>" in html
    again = library.answer("why?", context=("Kerry", "Sochi"))
    assert parse_telegram_html(render_html.render_answer(again)).text.startswith(
        "Searched for: Kerry, Sochi\n"
    )


def test_a_reply_within_one_source_says_so(library: Library) -> None:
    answer = library.answer("Russia", offset=3, source=2)
    assert parse_telegram_html(render_html.render_answer(answer)).text.startswith(
        "More from [2] Roy, IDSA\n"
    )
    none = library.answer("Russia", offset=50, source=2)
    assert "No more passages" in render_html.render_answer(none)


def test_a_label_links_to_the_quote_and_the_reference_to_the_source() -> None:
    quote = "Kerry met Lavrov in Sochi, and the talks went well for both of the sides."
    link = "https://d.org/p#:~:text=Kerry%20met%20Lavrov%20in,of%20the%20sides."
    hit = Hit(1, Passage(0, "w.html", 3, 1, quote), WEB, 1.0, Quote(quote), quote, 1, 1, link)
    html = render_html.render_answer(Answer("q", True, (hit,), terms=("kerri",)))
    parsed = parse_telegram_html(html)
    urls = [e.url for e in parsed.entities if e.type == "text_link"]
    assert urls == [link, "https://d.org/p"]
    assert "[1] Lee, Daily · ¶3" in parsed.text and "[1] A Page — Ann Lee, Daily" in parsed.text
    terminal = render_terminal.render_answer(Answer("q", True, (hit,), terms=("kerri",)))
    assert "[1] A Page <https://d.org/p> — Ann Lee, Daily" in terminal


def test_a_summary_quotes_a_paragraph_once_with_one_label() -> None:
    meta = SourceMeta(file="a.txt", title="A", author="Ann Lee", publisher="Daily")

    def s(text: str, paragraph: int, position: int) -> SummarySentence:
        return SummarySentence(text, "a.txt", paragraph, meta, 1, position)

    summary = Summary(
        None, None, (s("One is first.", 1, 0), s("Two follows.", 1, 1), s("Four.", 1, 3))
    )
    reply = summary_reply(summary)
    quotes = [c.quote.text for c in reply if c.quote is not None]
    assert quotes == ["One is first. Two follows. … Four."]
    text = parse_telegram_html(render_html.render_summary(summary)).text
    assert text == (
        "Summary of all sources\n\n[1] A — Ann Lee, Daily\n"
        "One is first. Two follows. … Four.\n[1] ¶1"
    )
    topic = Summary(None, "first", (s("One is first.", 1, 0),))
    text = parse_telegram_html(render_html.render_summary(topic)).text
    assert text.endswith("[1] Lee, Daily · ¶1\n\n[1] A — Ann Lee, Daily")


def test_the_last_quotes_give_way_with_the_references_only_they_needed() -> None:
    def hit(rank: int) -> Hit:
        meta = SourceMeta(file=f"{rank}.txt", title="T" * 400, author="A" * 400)
        text = "Kerry " * 200
        return Hit(rank, Passage(rank, meta.file, 1, 1, text), meta, 1.0, Quote(text), text, rank)

    answer = Answer("q", True, tuple(hit(r) for r in range(1, 21)), terms=("k",))
    assert sum(1 for c in answer_reply(answer) if c.refers) == 20
    html = render_html.render_answer(answer)
    text = parse_telegram_html(html).text
    shown = set(re.findall(r"^\[(\d+)\] A", text, re.MULTILINE))  # labels
    referenced = set(re.findall(r"^\[(\d+)\] T", text, re.MULTILINE))
    assert shown and shown == referenced and len(shown) < 20


def test_help_lists_each_command_once_and_the_menu_matches() -> None:
    text = parse_telegram_html(render_html.render_help()).text
    lines = [line for line in text.splitlines() if line.startswith("/")]
    names = [line.split()[0] for line in lines]
    assert len(names) == len(set(names))
    assert set(names) == {f"/{c.name}" for c in w.COMMANDS if c.telegram}
    for command in menu_commands():  # the menu: the same line, capitalised
        (line,) = [line for line in lines if line.split()[0] == f"/{command.command}"]
        assert line.endswith(command.description[0].lower() + command.description[1:])
    chat = render_terminal.render_help(w.CHAT, width=200)
    assert "summary [N] [topic] — " in chat and "quit — " in chat and "/start" not in chat


def test_the_two_surfaces_differ_only_in_how_commands_are_written(library: Library) -> None:
    answer = library.answer("How do I bake bread?")
    assert "see /sources for" in render_html.render_answer(answer)
    assert "see sources for" in render_terminal.render_answer(answer, surface=w.CHAT)
    assert w.no_source("9", 2, w.TELEGRAM).replace("/", "") == w.no_source("9", 2, w.CHAT)
