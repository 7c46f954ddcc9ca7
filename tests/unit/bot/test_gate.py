"""The gate's rules on their own: duplicates, allowlists, the per-user limit and what it
counts."""

from __future__ import annotations

import dataclasses

import pytest

from bot.config import AccessSettings, LimitSettings, Settings
from bot.gate import BUTTON_FACTOR, INLINE_FACTOR, SEEN_CAPACITY, WINDOW_SECONDS, Gate, free_command


def gate(**access: object) -> Gate:
    limits = LimitSettings(questions_per_minute=3)
    return Gate(Settings(access=AccessSettings(**access), limits=limits))  # type: ignore[arg-type]


def test_an_update_seen_before_is_a_duplicate() -> None:
    g = gate()
    assert not g.duplicate(1)
    assert g.duplicate(1)
    assert not g.duplicate(2)


def test_seen_updates_are_bounded() -> None:
    g = gate()
    for update_id in range(SEEN_CAPACITY + 10):
        g.duplicate(update_id)
    assert len(g.seen) == SEEN_CAPACITY
    assert not g.duplicate(0)  # the oldest was forgotten


def test_empty_allowlists_let_everyone_in() -> None:
    assert gate().allowed(7, 7)
    assert gate().allowed(None, None)


def test_allowlists() -> None:
    g = gate(allowed_users=(1,), allowed_chats=(-100,))
    assert g.allowed(1, -100)
    assert not g.allowed(2, -100)  # not an allowed user
    assert not g.allowed(1, -200)  # not an allowed chat
    assert not g.allowed(None, -100)  # no user at all


def test_an_update_without_a_chat_is_outside_a_chat_allowlist() -> None:
    # Inline queries and buttons under inline messages name no chat.
    assert not gate(allowed_chats=(-100,)).allowed(1, None)
    assert gate(allowed_chats=(-100,), admins=(9,)).allowed(9, None)
    assert gate(allowed_users=(1,)).allowed(1, None)


def test_admins_pass_every_list() -> None:
    g = gate(allowed_users=(1,), allowed_chats=(-100,), admins=(9,))
    assert g.allowed(9, -200)


def test_limit_counts_per_user_within_the_window() -> None:
    g = gate()
    assert [g.over_limit(1, t) for t in (0.0, 1.0, 2.0, 3.0)] == [False, False, False, True]
    assert not g.over_limit(2, 3.0)  # another user has a budget of their own
    assert not g.over_limit(1, 1.0 + WINDOW_SECONDS + 0.1)  # the first questions expired


def test_admins_and_a_zero_limit_are_never_limited() -> None:
    g = gate(admins=(5,))
    assert not any(g.over_limit(5, float(t)) for t in range(50))
    off = Gate(dataclasses.replace(g.settings, limits=LimitSettings(questions_per_minute=0)))
    assert not any(off.over_limit(1, float(t)) for t in range(50))


def test_inline_queries_have_a_budget_of_their_own() -> None:
    g = gate()
    assert not any(g.over_limit(1, 0.0, "inline") for _ in range(3 * INLINE_FACTOR))
    assert g.over_limit(1, 0.0, "inline")
    assert not g.over_limit(1, 0.0)  # questions are counted apart


def test_a_sender_is_warned_once_a_streak() -> None:
    g = gate()
    assert g.first_warning(1) and not g.first_warning(1)
    assert not g.over_limit(1, 0.0)  # back under the limit: the next streak is told again
    assert g.first_warning(1)


def test_idle_senders_are_forgotten() -> None:
    g = gate()
    for user in range(200_000):
        g.over_limit(user, 0.0)
    assert len(g.asked) == 200_000
    g.over_limit(1, WINDOW_SECONDS + 1.0)
    assert len(g.asked) == 1  # only the one who asked within the last minute
    assert not g.warned


def test_buttons_have_a_budget_of_their_own() -> None:
    the_gate = gate()  # three questions a minute
    assert not any(the_gate.over_limit(7, 0.0, "question") for _ in range(3))
    assert the_gate.over_limit(7, 0.0, "question")
    presses = [the_gate.over_limit(7, 0.0, "button") for _ in range(3 * BUTTON_FACTOR + 1)]
    assert presses == [False] * (3 * BUTTON_FACTOR) + [True]


@pytest.mark.parametrize(
    ("text", "free"),
    [
        ("/help", True),
        ("/start payload", True),
        ("/sources@sourcebot", True),
        ("/HELP", True),
        ("/ask Was Crimea discussed?", False),
        ("/summary 1", False),
        ("help", False),
        (None, False),
    ],
)
def test_free_commands(text: str | None, free: bool) -> None:
    assert free_command(text) is free
