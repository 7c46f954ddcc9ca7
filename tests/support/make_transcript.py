"""Print a real exchange with the bot: the Application against the local Bot API stand-in.

    .venv/bin/python -m tests.support.make_transcript

Every command, a question, a misspelled one, one the sources cannot answer, follow-ups (a
short one, a reply to an answer, a reply quoting part of one), a summary within one source,
the More, More-from-source and Context buttons, a group mention and an inline query; the
bot's replies are shown as Telegram renders them (tags dropped), with their buttons. Last,
the share of the answers' characters that is citation (tests/support/citation_share.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.config import load_settings
from retrieval.answer.library import Library
from tests.support.botrun import running_bot
from tests.support.citation_share import Share, citation_share
from tests.support.paths import REPO_ROOT
from tests.support.standin import DEFAULT_USER_ID, BotApiStandin, SentMessage

ROOT = REPO_ROOT
GROUP = -100500
MEETING = "What did Kerry and Putin discuss in Sochi?"
QUOTED = "This was his first trip to Russia since the outbreak of the Ukrainian crisis"


@dataclass(frozen=True)
class Transcript:
    """The exchange as text, and the bot's answers in it (messages holding quotes)."""

    text: str
    answers: tuple[SentMessage, ...]

    @property
    def share(self) -> Share:
        """Return how much of the answers is citation."""
        return citation_share(self.answers)


def _show(message: SentMessage) -> str:
    lines = [f"bot> {line}" for line in message.text.splitlines()]
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    buttons = [f"[{b['text']}]" for row in rows for b in row]
    if buttons:
        lines.append("     " + " ".join(buttons))
    return "\n".join(lines)


class _Exchange:
    """Plays the user against a running bot and writes down what happens."""

    def __init__(self, standin: BotApiStandin) -> None:
        self.standin = standin
        self.out: list[str] = []
        self.answers: list[SentMessage] = []

    def _sent(self, chat: int) -> int:
        return sum(
            1
            for r in self.standin.requests
            if r.method == "sendMessage" and r.params.get("chat_id") == chat
        )

    async def say(
        self,
        text: str,
        chat: int = DEFAULT_USER_ID,
        kind: str = "private",
        *,
        reply_to: SentMessage | None = None,
        quote: str | None = None,
    ) -> SentMessage:
        before = len(self.standin.messages(chat))
        sent = self._sent(chat)
        await self.standin.send_text(
            text,
            chat_id=chat,
            chat_type=kind,
            reply_to_message_id=reply_to.message_id if reply_to else None,
            quote=quote,
        )
        how = ""
        if reply_to is not None:
            first = reply_to.text.splitlines()[0][:40]
            how = f" (replying to “{first}…”" + (f", quoting “{quote}”)" if quote else ")")
        self.out.append(f"\nuser{how}> {text}")
        await self.standin.wait_for(
            "sendMessage", lambda r: r.params.get("chat_id") == chat, count=sent + 1
        )
        new = self.standin.messages(chat)[before:]
        self.out.extend(_show(m) for m in new)
        self.answers.extend(new)
        return new[-1]

    async def press(self, label: str, data: str) -> SentMessage:
        chat = DEFAULT_USER_ID
        message = next(
            m for m in reversed(self.standin.messages(chat)) if data in m.callback_data()
        )
        count = len(self.standin.requests)
        before = len(self.standin.messages(chat))
        await self.standin.send_callback(data, message=message)
        self.out.append(f"\nuser presses [{label}]")
        await self.standin.wait_for(
            "answerCallbackQuery",
            lambda r: True,
            count=1
            + sum(1 for r in self.standin.requests[:count] if r.method == "answerCallbackQuery"),
        )
        await asyncio.sleep(0.3)
        messages = self.standin.messages(chat)
        shown = (
            messages[-1]
            if len(messages) > before
            else next(m for m in messages if m.message_id == message.message_id)
        )
        self.out.append(_show(shown))
        self.answers.append(shown)
        return shown


def _button(message: SentMessage, prefix: str, label: str = "") -> tuple[str, str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    button = next(
        b
        for row in rows
        for b in row
        if b["callback_data"].startswith(prefix) and label in b["text"]
    )
    return button["text"], button["callback_data"]


async def transcript() -> Transcript:
    """Return the transcript and the answers in it."""
    settings = load_settings(ROOT / "config" / "bot.yaml")
    library = Library.load(settings.retrieval)
    async with running_bot(settings, library) as (standin, _):
        talk = _Exchange(standin)
        for text in (
            "/start",
            "/help",
            "/sources",
            "Was Crimea discussed?",
            "What did Lavorv say about international problems?",
            "How do I bake bread?",
        ):
            await talk.say(text)
        meeting = await talk.say(MEETING)
        await talk.say("and sanctions?")
        await talk.say("Syria?", reply_to=meeting)
        await talk.say("why?", reply_to=meeting, quote=QUOTED)
        await talk.press(*_button(meeting, "f:", "[1]"))
        for text in (
            "/summary",
            "/summary 2",
            "/summary sanctions",
            "/summary 2 sanctions",
            "/ask Will the sanctions be lifted?",
            "/summary 9",
            "/frobnicate",
        ):
            await talk.say(text)
        russia = await talk.say("Russia")
        await talk.press(*_button(russia, "m:"))
        await talk.press(*_button(russia, "c:"))
        name = standin.bot_user["username"]
        await talk.say(f"@{name} who initiated the meeting?", GROUP, "supergroup")
        await standin.send_inline_query("Norman format")
        (answer,) = await standin.wait_for("answerInlineQuery")
        talk.out.append("\nuser types in any chat: @" + name + " Norman format")
        for r in answer.params["results"]:
            talk.out.append(f"inline result: {r['title']} — {r['description'][:70]}…")
    # Summaries and Context replies (whole paragraphs) are not answers to a question.
    answers = tuple(m for m in talk.answers if not m.text.startswith(("¶", "Summary")))
    return Transcript("\n".join(talk.out).lstrip(), answers)


if __name__ == "__main__":
    done = asyncio.run(transcript())
    print(done.text)
    print(f"\n# {done.share}")
