"""The keyboards under answers, /start and /sources: which buttons, carrying what."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot import payloads as pl
from bot.keyboards import (
    MAX_SOURCE_BUTTONS,
    answer_keyboard,
    example_keyboard,
    sources_keyboard,
)
from retrieval import Answer, Hit, Passage, Quote, Source, SourceMeta


def hit(
    rank: int, source_number: int = 2, paragraph: int = 5, within: int = 1, page: int | None = None
) -> Hit:
    passage = Passage(rank, f"{source_number}.txt", paragraph, 1, "Kerry met Lavrov.", page=page)
    meta = SourceMeta(file=f"{source_number}.txt", title="B")
    quote = Quote("Kerry met Lavrov.")
    return Hit(rank, passage, meta, 1.0, quote, passage.text, source_number, within)


def rows(markup: InlineKeyboardMarkup | None) -> list[list[tuple[str, pl.Payload | None]]]:
    assert markup is not None
    return [
        [
            (b.text, pl.decode(b.callback_data if isinstance(b.callback_data, str) else None))
            for b in row
        ]
        for row in markup.inline_keyboard
    ]


def labels(markup: InlineKeyboardMarkup | None) -> list[list[str]]:
    assert markup is not None
    return [[b.text for b in row] for row in markup.inline_keyboard]


def test_no_hits_no_keyboard() -> None:
    assert answer_keyboard(Answer("q", False, ()), "q1", 3) is None


def test_context_buttons_carry_the_hits_source_number_and_paragraph() -> None:
    answer = Answer("q", True, (hit(1, 2, 5), hit(2, 1, 9), hit(3, 3, 4, page=7)))
    markup = answer_keyboard(answer, None, 3)
    assert rows(markup) == [
        [
            ("Context [2] ¶5", pl.Context(2, 5)),  # named as the label under the quote
            ("Context [1] ¶9", pl.Context(1, 9)),
            ("Context [3] p. 7", pl.Context(3, 4)),  # a PDF's paragraph goes by its page
        ]
    ]


def test_more_from_each_source_continues_after_its_hits_shown() -> None:
    answer = Answer("q", True, (hit(1, 2, 5, 1), hit(2, 1, 9, 1), hit(3, 2, 7, 2)), more=True)
    markup = answer_keyboard(answer, "q1", 3, from_sources=True)
    assert rows(markup)[-1] == [
        ("More from [2]", pl.FromSource("q1", 2, 2)),  # two of source 2's hits are shown
        ("More from [1]", pl.FromSource("q1", 1, 1)),
    ]
    # Not with a single source, nor without a remembered question.
    assert "More from" not in str(labels(answer_keyboard(answer, "q1", 3)))
    assert "More from" not in str(labels(answer_keyboard(answer, None, 3, from_sources=True)))


def test_pages_of_a_reply_within_one_source_stay_within_it() -> None:
    answer = Answer("q", True, (hit(4, 2, 5, 4), hit(5, 2, 8, 5)), more=True, source=2)
    markup = answer_keyboard(answer, "q1", 3, from_sources=True)
    assert rows(markup)[1] == [
        ("◀ Back", pl.More("q1", 0, 2)),
        ("More ▶", pl.More("q1", 5, 2)),
    ]
    assert len(rows(markup)) == 2  # no More-from buttons under a reply already within one


def test_more_only_when_there_is_more_and_back_only_after_the_first_page() -> None:
    first = Answer("q", True, (hit(1), hit(2), hit(3)), more=True)
    assert labels(answer_keyboard(first, "q1", 3))[1] == ["More ▶"]
    second = Answer("q", True, (hit(4), hit(5), hit(6)), more=True)
    assert labels(answer_keyboard(second, "q1", 3))[1] == ["◀ Back", "More ▶"]
    last = Answer("q", True, (hit(7),), more=False)
    markup = answer_keyboard(last, "q1", 3)
    assert labels(markup)[1] == ["◀ Back"]
    assert markup is not None
    back = markup.inline_keyboard[1][0].callback_data
    assert pl.decode(back if isinstance(back, str) else None) == pl.More("q1", 3)


def test_no_paging_without_a_remembered_question() -> None:
    answer = Answer("q", True, (hit(4),), more=True)
    assert len(labels(answer_keyboard(answer, None, 3))) == 1


def test_vote_buttons_when_asked_for() -> None:
    answer = Answer("q", True, (hit(1),))
    markup = answer_keyboard(answer, "q1", 3, votes=True)
    assert labels(markup)[-1] == ["👍", "👎"]
    assert labels(answer_keyboard(answer, "q1", 3))[-1] != ["👍", "👎"]


def test_example_button_asks_example_zero_within_the_label_limit() -> None:
    markup = example_keyboard("What do the sources say about " + "Kerry " * 30 + "?")
    (button,) = markup.inline_keyboard[0]
    assert len(button.text) <= 60 and button.text.startswith("Try: ")
    assert button.callback_data == pl.encode(pl.Example(0))


def test_a_summary_button_for_each_of_the_first_sources() -> None:
    sources = [Source(n, SourceMeta(file=f"{n}.txt", title=str(n)), ()) for n in range(1, 30)]
    markup = sources_keyboard(sources)
    assert len(markup.inline_keyboard) == MAX_SOURCE_BUTTONS
    data = [row[0].callback_data for row in markup.inline_keyboard]
    assert data[:2] == [pl.encode(pl.SourceSummary(1)), pl.encode(pl.SourceSummary(2))]


def test_many_hits_make_rows_of_three() -> None:
    answer = Answer("q", True, tuple(hit(r, r, r) for r in range(1, 8)))
    markup = answer_keyboard(answer, "q1", 7, from_sources=True)
    assert [len(row) for row in labels(markup)] == [3, 3, 1, 3, 3, 1]
