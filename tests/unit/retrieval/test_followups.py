"""Follow-up questions: which words a new message carries from the previous one (the rarest,
never the filler), when a message leans on the previous one, and how a carried search
counts a passage (it must still match the message's own words)."""

from __future__ import annotations

import dataclasses

import pytest

from retrieval import Library
from retrieval.answer.followups import carried_words, display_word, leans_on_previous
from tests.support.seed_facts import SEED_000, SEED_004

MEETING = "What did Kerry and Putin discuss in Sochi?"


def test_carried_words_are_the_rarest_in_question_order(library: Library) -> None:
    index = library.index
    # "discuss" is a question frame (filler), "What", "did", "and", "in" stopwords.
    assert carried_words(index, MEETING, 3) == ("Kerry", "Putin", "Sochi")
    # With room for two, the two rarest by idf stay, still in the question's order.
    two = carried_words(index, MEETING, 2)
    assert two == ("Putin", "Sochi")
    assert all(index.idf(index.tokenizer.term(w)) >= index.idf("kerri") for w in two)
    assert carried_words(index, MEETING, 0) == ()
    # Words the sources never use carry nothing; possessives are dropped for display.
    assert carried_words(index, "Was Kerry’s bread discussed?", 3) == ("Kerry",)
    assert display_word("Kerry’s") == "Kerry" and display_word("Kerry") == "Kerry"


@pytest.mark.parametrize(
    ("message", "leans"),
    [
        ("and Syria?", True),
        ("what about Iran?", True),
        ("But the sanctions?", True),
        ("why?", True),
        ("What did they say?", True),  # "say" is a frame: no words of its own
        ("Did they expect relations to improve?", True),  # "they" points back
        ("Russia", False),  # a short new question
        ("Was Crimea discussed?", False),
        ("and what did Kerry, Putin, Lavrov and Obama say about Syria?", False),  # too long
        ("?!", False),  # no words at all: nothing to continue
        ("а что насчет Сирии?", True),
    ],
)
def test_a_message_leans_on_the_previous_one(library: Library, message: str, leans: bool) -> None:
    assert leans_on_previous(library.index, message) is leans


def test_follow_up_decides_from_quote_reply_or_leaning(library: Library) -> None:
    previous = ("Kerry", "Putin", "discuss", "Sochi")
    assert library.follow_up("and Syria?", previous) == ("Kerry", "Putin", "Sochi")
    assert library.follow_up("Russia", previous) == ()  # a new question
    assert library.follow_up("Russia", previous, replied=True) == ("Kerry", "Putin", "Sochi")
    assert library.follow_up("and Syria?", ()) == ()  # nothing to follow
    quoted = "If pushed to the wall, Russia can encourage the rebels to step up hostilities"
    words = library.follow_up("tell me more", previous, quoted=quoted)
    assert "rebels" in words and "hostilities" in words and "Kerry" not in words
    assert len(words) <= 2 * library.settings.answers.carry_terms
    off = dataclasses.replace(
        library.settings,
        answers=dataclasses.replace(library.settings.answers, carry_terms=0),
    )
    assert Library(library.index, off).follow_up("and Syria?", previous) == ()


def test_a_follow_up_is_answered_in_context(library: Library) -> None:
    alone = library.answer("and sanctions?")
    carried = library.answer("and sanctions?", context=("Kerry", "Putin", "Sochi"))
    assert carried.words == ("sanctions",) and carried.context == ("Kerry", "Putin", "Sochi")
    assert alone.hits[0].passage.source == SEED_000  # the context reorders the hits
    assert carried.hits[0].passage.source == SEED_004
    # Every hit still matches the message's own word, not only the carried ones.
    assert all("sanction" in h.paragraph_text.casefold() for h in carried.hits)


def test_a_message_without_words_of_its_own_is_the_previous_search(library: Library) -> None:
    assert not library.answer("why?").found
    again = library.answer("why?", context=("Kerry", "Putin", "Sochi"))
    assert again.found and again.words == () and again.context == ("Kerry", "Putin", "Sochi")


def test_carried_words_already_asked_or_unknown_are_not_repeated(library: Library) -> None:
    answer = library.answer("Kerry and Syria?", context=("Kerry", "Putin", "Breadcrumbs"))
    assert answer.words == ("Kerry", "Syria") and answer.context == ("Putin",)
    assert len(answer.terms) == 3
    assert {h.passage.source for h in answer.hits} <= {SEED_000, SEED_004}


def test_a_follow_up_leaves_its_question_frames_out(library: Library) -> None:
    # "mean" is a question frame the sources happen to use: searched in a new question...
    assert library.answer("what does this mean?").words == ("mean",)
    # ...but a follow-up asks about the conversation, not about meaning.
    quoted = ("Russia", "encourage", "rebels", "step", "hostilities")
    answer = library.answer("what does this mean?", context=quoted)
    assert answer.words == () and "land corridor" in answer.hits[0].quote.text
