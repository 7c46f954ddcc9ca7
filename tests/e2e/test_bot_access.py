"""Every kind of update through the access gate and the rate limit, end to end: inline
queries under a chat allowlist, channel posts, reactions, member changes, group chatter and
anonymous admins; the limit counts only questions the bot answers (not /help, /start,
/sources), button presses have a budget of their own, and every press is answered."""

from __future__ import annotations

import asyncio
import time

from bot.config import Settings
from bot.gate import BUTTON_FACTOR
from retrieval.answer.library import Library
from tests.support.botrun import running_app, running_bot
from tests.support.configs import with_sections
from tests.support.standin import DEFAULT_USER_ID, BotApiStandin, SentMessage

QUESTION = "Was Crimea discussed?"
GROUP = -1007
OTHER_GROUP = -1008
ANONYMOUS_ADMIN = 1087968824  # Telegram's GroupAnonymousBot: every anonymous admin's user id


def _texts(standin: BotApiStandin, chat_id: int) -> list[str]:
    return [
        str(r.params["text"])
        for r in standin.requests
        if r.method == "sendMessage" and r.params.get("chat_id") == chat_id
    ]


async def test_inline_mode_obeys_the_chat_allowlist(settings: Settings, library: Library) -> None:
    # An inline query names no chat: with allowed_chats set, it cannot show it is typed in
    # one, so it gets no passage and no source list (admins still do).
    only_group = with_sections(settings, access={"allowed_chats": (GROUP,), "admins": (99,)})
    async with running_bot(only_group, library) as (standin, _):
        asked = [
            await standin.send_inline_query("Crimea"),
            await standin.send_inline_query(""),
            await standin.send_inline_query("Crimea", user_id=99),
        ]
        answers = await standin.wait_for("answerInlineQuery", count=3)
        ids = [standin.update(u)["inline_query"]["id"] for u in asked]
    results = {a.params["inline_query_id"]: len(a.params["results"]) for a in answers}
    assert [results[i] for i in ids[:2]] == [0, 0]
    assert results[ids[2]] > 0  # the admin's


async def test_a_button_under_an_inline_message_obeys_the_chat_allowlist(
    settings: Settings, library: Library
) -> None:
    only_group = with_sections(settings, access={"allowed_chats": (GROUP,)})
    inline = SentMessage(None, None, "AAAA0001standin", "", (), "", None, None, None, {})
    async with running_bot(only_group, library) as (standin, _):
        await standin.send_callback("c:1:12", message=inline)
        (pressed,) = await standin.wait_for("answerCallbackQuery")
        await asyncio.sleep(0.3)
        sent = [r for r in standin.requests if r.method == "sendMessage"]
    assert pressed.params.get("text") == "Sorry, this bot is private."
    assert sent == []


async def test_nothing_is_said_to_a_channel_or_for_updates_nobody_answers(
    settings: Settings, library: Library
) -> None:
    private = with_sections(settings, access={"allowed_users": (DEFAULT_USER_ID,)})
    channel = {"id": -1009, "type": "channel", "title": "News"}
    async with running_bot(private, library) as (standin, _):
        await standin.send_update(
            "channel_post",
            {"message_id": 1, "chat": channel, "date": int(time.time()), "text": "/start"},
        )
        await standin.send_update(
            "message_reaction",
            {
                "chat": {"id": GROUP, "type": "group", "title": "G"},
                "message_id": 1,
                "user": {"id": 666, "is_bot": False, "first_name": "X"},
                "date": int(time.time()),
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            },
        )
        await standin.send_text(QUESTION)
        await standin.wait_for("sendMessage")
        await asyncio.sleep(1.0)
    assert _texts(standin, -1009) == [] and _texts(standin, GROUP) == []


async def test_reactions_and_member_changes_cost_no_question(
    settings: Settings, library: Library
) -> None:
    limit = settings.limits.questions_per_minute
    group = {"id": GROUP, "type": "supergroup", "title": "G"}
    user = {"id": DEFAULT_USER_ID, "is_bot": False, "first_name": "T"}
    async with running_bot(settings, library) as (standin, _):
        for i in range(limit + 5):
            await standin.send_update(
                "message_reaction",
                {
                    "chat": group,
                    "message_id": i + 1,
                    "user": user,
                    "date": int(time.time()),
                    "old_reaction": [],
                    "new_reaction": [{"type": "emoji", "emoji": "👍"}],
                },
            )
        member = {"user": user, "status": "member"}
        await standin.send_update(
            "chat_member",
            {
                "chat": group,
                "from": user,
                "date": int(time.time()),
                "old_chat_member": {**member, "status": "left"},
                "new_chat_member": member,
            },
        )
        await standin.send_text(QUESTION)
        (reply,) = await standin.wait_for("sendMessage", timeout=10)
    assert "Crimea" in str(reply.params["text"])


async def test_group_chatter_costs_nothing_and_a_mention_is_answered(
    settings: Settings, library: Library
) -> None:
    limit = settings.limits.questions_per_minute
    standin = BotApiStandin(privacy_mode=False)
    async with standin, running_app(standin, settings, library):
        for i in range(limit + 5):
            await standin.send_text(f"chatting {i}", chat_id=GROUP, chat_type="group")
        await standin.send_text(
            f"@{standin.bot_user['username']} {QUESTION}", chat_id=GROUP, chat_type="group"
        )
        (reply,) = await standin.wait_for("sendMessage", timeout=10)
        await asyncio.sleep(1.0)
    assert "Crimea" in str(reply.params["text"])
    assert len(_texts(standin, GROUP)) == 1  # no "slow down" to a group that said nothing


async def test_anonymous_admins_of_two_groups_have_budgets_of_their_own(
    settings: Settings, library: Library
) -> None:
    per_group = settings.limits.questions_per_minute * 2 // 3  # two groups: over one budget
    async with running_bot(settings, library) as (standin, _):
        for chat_id in (GROUP, OTHER_GROUP):
            on_behalf = {"id": chat_id, "type": "supergroup", "title": "G"}
            for _ in range(per_group):
                await standin.send_text(
                    f"/ask {QUESTION}",
                    chat_id=chat_id,
                    chat_type="supergroup",
                    user_id=ANONYMOUS_ADMIN,
                    username="GroupAnonymousBot",
                    sender_chat=on_behalf,
                )
        await standin.wait_for("sendMessage", count=2 * per_group, timeout=20)
        await asyncio.sleep(1.0)
    for chat_id in (GROUP, OTHER_GROUP):
        texts = _texts(standin, chat_id)
        assert len(texts) == per_group and all("Crimea" in t for t in texts)


async def test_inline_queries_are_limited_too(settings: Settings, library: Library) -> None:
    async with running_bot(settings, library) as (standin, _):
        for _ in range(300):
            await standin.send_inline_query(QUESTION)
        answers = await standin.wait_for("answerInlineQuery", count=300, timeout=60)
    with_results = [a for a in answers if a.params["results"]]
    budget = settings.limits.questions_per_minute * 5
    assert len(with_results) == budget
    assert all(a.ok for a in answers)  # the others are answered empty, not left spinning


async def test_the_limit_counts_questions_and_every_press_is_answered(
    settings: Settings, library: Library
) -> None:
    limited = with_sections(settings, limits={"questions_per_minute": 2})
    user = DEFAULT_USER_ID
    async with running_bot(limited, library) as (standin, _):
        for _ in range(2):
            await standin.send_text(f"/ask {QUESTION}")
        await standin.wait_for("sendMessage", count=2)
        for command in ("/help", "/start", "/sources") * 2:  # not questions: never counted
            await standin.send_text(command)
        await standin.wait_for("sendMessage", count=8, timeout=20)
        await standin.send_text(f"/ask {QUESTION}")  # the third question: over the limit
        await standin.wait_for("sendMessage", count=9)
        answer = standin.messages(user)[0]
        presses = 2 * BUTTON_FACTOR + 2
        for _ in range(presses):
            await standin.send_callback("c:1:1", message=answer)
        pressed = await standin.wait_for("answerCallbackQuery", count=presses, timeout=20)
        await asyncio.sleep(0.5)
    texts = _texts(standin, user)
    assert sum("Crimea" in t for t in texts) == 2
    assert "faster than I can answer" in texts[8]
    toasts = [str(p.params.get("text") or "") for p in pressed]
    assert len(pressed) == presses  # no button keeps spinning
    # Presses are handled concurrently, so their answers come in any order.
    assert toasts.count("Too many presses: wait a minute.") == 2
    assert sum("Too many" not in t for t in toasts) == 2 * BUTTON_FACTOR
