"""The inline keyboards under the bot's messages: what each button says and carries."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import payloads as pl
from bot.render_html import plain
from retrieval import Answer, Source

MAX_SOURCE_BUTTONS = 20  # /sources: a Summary button for each of the first sources
MAX_BUTTON_LABEL = 60


def answer_keyboard(
    answer: Answer, qid: str | None, page_size: int, votes: bool = False
) -> InlineKeyboardMarkup | None:
    """Return Context buttons for each hit, More/Back buttons for paging, 👍/👎 for votes."""
    if not answer.hits:
        return None
    rows: list[list[InlineKeyboardButton]] = [
        [
            InlineKeyboardButton(
                f"Context {hit.rank}",
                callback_data=pl.encode(pl.Context(hit.source_number, hit.passage.paragraph)),
            )
            for hit in answer.hits
        ]
    ]
    paging: list[InlineKeyboardButton] = []
    first = answer.hits[0].rank - 1
    if qid is not None and first > 0:
        back = pl.More(qid, max(first - page_size, 0))
        paging.append(InlineKeyboardButton("◀ Back", callback_data=pl.encode(back)))
    if qid is not None and answer.more and first + len(answer.hits) <= pl.MAX_OFFSET:
        more = pl.More(qid, first + len(answer.hits))
        paging.append(InlineKeyboardButton("More ▶", callback_data=pl.encode(more)))
    if paging:
        rows.append(paging)
    if votes and qid is not None:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=pl.encode(pl.Vote(qid, True))),
                InlineKeyboardButton("👎", callback_data=pl.encode(pl.Vote(qid, False))),
            ]
        )
    return InlineKeyboardMarkup(rows)


def example_keyboard(example: str) -> InlineKeyboardMarkup:
    """Return the /start button that asks the example question."""
    label = plain(f"Try: {example}")[:MAX_BUTTON_LABEL]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=pl.encode(pl.Example(0)))]]
    )


def sources_keyboard(sources: Sequence[Source]) -> InlineKeyboardMarkup:
    """Return a Summary button for each of the first MAX_SOURCE_BUTTONS sources."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"Summary of {s.number}", callback_data=pl.encode(pl.SourceSummary(s.number))
                )
            ]
            for s in sources[:MAX_SOURCE_BUTTONS]
        ]
    )
