"""The inline keyboards under the bot's messages: what each button says and carries."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import payloads as pl
from bot import wording as w
from bot.catalogs import ENGLISH, Words
from bot.render_html import plain
from retrieval import Answer, Hit, Source

MAX_SOURCE_BUTTONS = 20  # /sources: a Summary button for each of the first sources
MAX_BUTTON_LABEL = 60
ROW = 3  # buttons a row, at most (answers may have up to answers.top_k = 20 hits)


def _page(answer: Answer, qid: str, offset: int) -> pl.More:
    """Return the payload of another page of this answer (within its source if scoped)."""
    return pl.More(qid, offset, answer.source)


def answer_keyboard(
    answer: Answer,
    qid: str | None,
    page_size: int,
    votes: bool = False,
    from_sources: bool = False,
    words: Words = ENGLISH,
) -> InlineKeyboardMarkup | None:
    """Return Context buttons for each hit, More/Back buttons for paging, a More-from button
    for each source of the hits (from_sources: when there is more than one source), and
    👍/👎 for votes."""
    if not answer.hits:
        return None
    contexts = [
        InlineKeyboardButton(
            words(w.CONTEXT_BUTTON, label=_where(hit)),
            callback_data=pl.encode(pl.Context(hit.source_number, hit.passage.paragraph)),
        )
        for hit in answer.hits
    ]
    rows: list[list[InlineKeyboardButton]] = _rows(contexts)
    paging: list[InlineKeyboardButton] = []
    first = answer.hits[0].rank - 1
    if qid is not None and first > 0:
        back = _page(answer, qid, max(first - page_size, 0))
        paging.append(InlineKeyboardButton(words(w.BACK_BUTTON), callback_data=pl.encode(back)))
    if qid is not None and answer.more and first + len(answer.hits) <= pl.MAX_OFFSET:
        more = _page(answer, qid, first + len(answer.hits))
        paging.append(InlineKeyboardButton(words(w.MORE_BUTTON), callback_data=pl.encode(more)))
    if paging:
        rows.append(paging)
    if qid is not None and from_sources and answer.source is None:
        shown: dict[int, int] = {}  # source number -> its hits shown so far
        for hit in answer.hits:
            shown[hit.source_number] = max(shown.get(hit.source_number, 0), hit.within_source)
        more_from = [
            InlineKeyboardButton(
                words(w.MORE_FROM_BUTTON, number=number),
                callback_data=pl.encode(pl.FromSource(qid, number, offset)),
            )
            for number, offset in shown.items()
            if number > 0 and offset <= pl.MAX_OFFSET
        ]
        rows += _rows(more_from)
    if votes and qid is not None:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=pl.encode(pl.Vote(qid, True))),
                InlineKeyboardButton("👎", callback_data=pl.encode(pl.Vote(qid, False))),
            ]
        )
    return InlineKeyboardMarkup([row for row in rows if row])


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Return buttons in rows of at most ROW (labels stay legible on a phone)."""
    return [buttons[i : i + ROW] for i in range(0, len(buttons), ROW)]


def _where(hit: Hit) -> str:
    """Return a hit's short place for its button: "[2] ¶12" or "[3] p. 7"."""
    p = hit.passage
    where = f"p. {p.page}" if p.page is not None else f"¶{p.paragraph}"
    return f"[{hit.source_number}] {where}" if hit.source_number else where


def example_keyboard(example: str, words: Words = ENGLISH) -> InlineKeyboardMarkup:
    """Return the /start button that asks the example question."""
    label = plain(words(w.EXAMPLE_BUTTON, example=example))[:MAX_BUTTON_LABEL]
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=pl.encode(pl.Example(0)))]]
    )


def sources_keyboard(sources: Sequence[Source], words: Words = ENGLISH) -> InlineKeyboardMarkup:
    """Return a Summary button for each of the first MAX_SOURCE_BUTTONS sources."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    words(w.SUMMARY_BUTTON, number=s.number),
                    callback_data=pl.encode(pl.SourceSummary(s.number)),
                )
            ]
            for s in sources[:MAX_SOURCE_BUTTONS]
        ]
    )


def remove_keyboard(
    number: int, file: str, key: str, words: Words = ENGLISH
) -> InlineKeyboardMarkup:
    """Return the button that confirms removing source `number` (from the file with `key`)."""
    label = plain(words(w.REMOVE_BUTTON, file=file))[:MAX_BUTTON_LABEL]
    payload = pl.encode(pl.Remove(number, key))
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=payload)]])
