"""The question memory behind More and vote buttons: ids recall their question, the oldest
are forgotten first, and ids from another run are never found."""

from __future__ import annotations

from bot.memory import QuestionMemory, Remembered


def test_remembered_question_is_recalled_with_its_hits() -> None:
    memory = QuestionMemory()
    qid = memory.remember("Was Crimea discussed?", ("a.txt#12",))
    assert memory.recall(qid) == Remembered("Was Crimea discussed?", ("a.txt#12",))


def test_ids_are_distinct() -> None:
    memory = QuestionMemory()
    ids = {memory.remember(f"question {i}") for i in range(1000)}
    assert len(ids) == 1000


def test_oldest_forgotten_first_at_capacity() -> None:
    memory = QuestionMemory(capacity=3)
    ids = [memory.remember(f"q{i}") for i in range(5)]
    assert [memory.recall(q) for q in ids[:2]] == [None, None]
    assert [r.question for q in ids[2:] if (r := memory.recall(q))] == ["q2", "q3", "q4"]


def test_an_id_from_another_run_is_unknown() -> None:
    before, after = QuestionMemory(), QuestionMemory()
    qid = before.remember("asked before a restart")
    assert after.recall(qid) is None


def test_ids_are_unguessable() -> None:
    memory = QuestionMemory()
    first, second = memory.remember("a"), memory.remember("b")
    assert len(first) >= 12 and first[:4] != second[:4]  # no shared prefix, no counter


def test_a_question_is_recalled_only_in_its_chat_or_by_its_asker() -> None:
    memory = QuestionMemory()
    qid = memory.remember("mine", chat_id=-100, user_id=7)
    assert memory.recall(qid, chat_id=-100, user_id=8) is not None  # a group member
    assert memory.recall(qid, chat_id=7, user_id=7) is not None  # the asker, elsewhere
    assert memory.recall(qid, chat_id=8, user_id=8) is None  # someone else, elsewhere


def test_a_long_question_is_kept_to_what_an_answer_reads() -> None:
    memory = QuestionMemory()
    recalled = memory.recall(memory.remember("word " * 10_000))
    assert recalled is not None and len(recalled.question) == 2000
