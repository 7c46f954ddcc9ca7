"""Each chat's conversation memory: per chat only, bounded, and forgotten when idle."""

from __future__ import annotations

from bot.conversation import MAX_ANSWERS, Conversations


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_new_question_sets_the_topic_a_follow_up_keeps_it() -> None:
    talk = Conversations(clock=Clock())
    talk.note_answer(1, 10, ("Kerry", "Sochi"), new_topic=True, cited=["a.txt"])
    talk.note_answer(1, 12, ("Syria", "Kerry", "Sochi"), new_topic=False)
    assert talk.topic(1) == ("Kerry", "Sochi")
    assert talk.answered(1, 12) == ("Syria", "Kerry", "Sochi")
    assert talk.referenced(1) == frozenset({"a.txt"})


def test_nothing_crosses_from_one_chat_to_another() -> None:
    talk = Conversations(clock=Clock())
    talk.note_answer(1, 10, ("Kerry",), new_topic=True, cited=["a.txt"])
    assert talk.topic(2) == () and talk.answered(2, 10) is None
    assert talk.referenced(2) == frozenset()


def test_an_idle_chat_is_forgotten() -> None:
    clock = Clock()
    talk = Conversations(expire_minutes=30, clock=clock)
    talk.note_answer(1, 10, ("Kerry",), new_topic=True, cited=["a.txt"])
    clock.now = 29 * 60
    assert talk.topic(1) == ("Kerry",)
    talk.note_cited(1, ["b.txt"])  # activity keeps it alive
    clock.now = 29 * 60 + 30 * 60 + 1
    assert talk.topic(1) == () and talk.answered(1, 10) is None
    assert talk.referenced(1) == frozenset() and len(talk) == 0


def test_chats_and_answers_are_bounded() -> None:
    clock = Clock()
    talk = Conversations(max_chats=3, clock=clock)
    for chat in range(5):
        clock.now += 1
        talk.note_answer(chat, 1, ("w",), new_topic=True)
    assert len(talk) == 3 and talk.topic(0) == () and talk.topic(4) == ("w",)
    for message in range(MAX_ANSWERS + 10):
        talk.note_answer(4, message, ("w",), new_topic=False)
    assert talk.answered(4, 0) is None and talk.answered(4, MAX_ANSWERS + 9) == ("w",)
