"""Print a real exchange with the bot: the Application against the local Bot API stand-in.

    .venv/bin/python -m tests.support.make_transcript

Every command, a question, a misspelled one, one the sources cannot answer, the More and
Context buttons, a group mention and an inline query; the bot's replies are shown as
Telegram renders them (tags dropped, links kept in brackets), with their buttons.
"""

from __future__ import annotations

import asyncio

from bot.config import load_settings
from retrieval.answer.library import Library
from tests.support.botrun import running_bot
from tests.support.paths import REPO_ROOT
from tests.support.standin import DEFAULT_USER_ID, SentMessage

ROOT = REPO_ROOT
GROUP = -100500


def _show(message: SentMessage) -> str:
    lines = [f"bot> {line}" for line in message.text.splitlines()]
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    buttons = [f"[{b['text']}]" for row in rows for b in row]
    if buttons:
        lines.append("     " + " ".join(buttons))
    return "\n".join(lines)


async def transcript() -> str:
    """Return the transcript text."""
    settings = load_settings(ROOT / "config" / "bot.yaml")
    library = Library.load(settings.retrieval)
    out: list[str] = []
    async with running_bot(settings, library) as (standin, _):

        async def say(text: str, chat: int = DEFAULT_USER_ID, kind: str = "private") -> None:
            before = len(standin.messages(chat))
            await standin.send_text(text, chat_id=chat, chat_type=kind)
            out.append(f"\nuser> {text}")
            await standin.wait_for(
                "sendMessage",
                lambda r: r.params.get("chat_id") == chat,
                count=sum(
                    1
                    for r in standin.requests
                    if r.method == "sendMessage" and r.params.get("chat_id") == chat
                )
                + 1,
            )
            out.extend(_show(m) for m in standin.messages(chat)[before:])

        async def press(label: str, data: str) -> None:
            message = next(
                m for m in reversed(standin.messages(DEFAULT_USER_ID)) if data in m.callback_data()
            )
            count = len(standin.requests)
            await standin.send_callback(data, message=message)
            out.append(f"\nuser presses [{label}]")
            await standin.wait_for(
                "answerCallbackQuery",
                lambda r: True,
                count=1
                + sum(1 for r in standin.requests[:count] if r.method == "answerCallbackQuery"),
            )
            await asyncio.sleep(0.3)
            changed = standin.messages(DEFAULT_USER_ID)
            out.append(_show(changed[-1]))

        for text in (
            "/start",
            "/help",
            "/sources",
            "Was Crimea discussed?",
            "What did Lavorv say about international problems?",
            "How do I bake bread?",
            "/summary",
            "/summary 2 ",
            "/summary sanctions",
            "/ask Will the sanctions be lifted?",
            "/summary 9",
            "/frobnicate",
            "Russia",
        ):
            await say(text)
        last = standin.messages(DEFAULT_USER_ID)[-1].callback_data()
        await press("More ▶", next(d for d in last if d.startswith("m:")))
        await press("Context 1", next(d for d in last if d.startswith("c:")))
        name = standin.bot_user["username"]
        await say(f"@{name} who initiated the meeting?", GROUP, "supergroup")
        await standin.send_inline_query("Norman format")
        (answer,) = await standin.wait_for("answerInlineQuery")
        out.append("\nuser types in any chat: @" + name + " Norman format")
        for r in answer.params["results"]:
            out.append(f"inline result: {r['title']} — {r['description'][:70]}…")
    return "\n".join(out).lstrip()


if __name__ == "__main__":
    print(asyncio.run(transcript()))
