"""The bot in the user's language, end to end: a Telegram user whose app is in Russian gets
/start, /help, the command menu, "not found" (with the hint that the sources are in
English), buttons and their toasts in Russian; one in English gets the same in English;
"slow down" comes in the user's language too; language tags with a region, without a
catalog, or missing fall back as they should."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from bot.config import Settings
from bot.gate import BUTTON_FACTOR
from retrieval.answer.library import Library
from tests.support.botrun import running_bot
from tests.support.standin import ApiRequest, BotApiStandin, SentMessage
from tests.support.telegram_html import parse_telegram_html

USER = 4242
FOUND = "What did Kerry and Putin discuss in Sochi?"
IN_RUSSIAN = "Что сказал Путин о погоде на Марсе?"  # not in the (English) sources


@dataclass(frozen=True)
class Expected:
    """What a user of one language reads (literal text: the catalog is what is tested)."""

    menu_start: str
    start: str
    example_button: str
    help_title: str
    help_line: str
    not_found: str
    hint: str
    context_button: str
    more_button: str
    back_button: str
    more_from_button: str
    vote_toast: str
    stale_toast: str
    not_text: str


EXPECTED = {
    "ru": Expected(
        menu_start="Что я знаю и как спрашивать",
        start="Я отвечаю на вопросы по 2 источникам, цитируя их:",
        example_button="Спросить: ",
        help_title="Команды",
        help_line="/sources — источники, пронумерованные",
        not_found="В источниках не нашлось ответа на этот вопрос.",
        hint="Язык источников — английский: вопросы сопоставляются с ними только на языке "
        "источников.",
        context_button="Контекст [",
        more_button="Ещё ▶",
        back_button="◀ Назад",
        more_from_button="Ещё из [",
        vote_toast="Спасибо, учтено.",
        stale_toast="Эта кнопка из прошлого сеанса. Задайте вопрос ещё раз.",
        not_text="Я читаю только текст.",
    ),
    "en": Expected(
        menu_start="What I know and how to ask",
        start="I answer questions about 2 sources by quoting them:",
        example_button="Try: ",
        help_title="Commands",
        help_line="/sources — the sources, numbered",
        not_found="I found nothing in the sources that answers this.",
        hint="The sources are in English: questions are matched in the sources' language only.",
        context_button="Context [",
        more_button="More ▶",
        back_button="◀ Back",
        more_from_button="More from [",
        vote_toast="Thanks: noted.",
        stale_toast="That button is from an earlier session. Please ask the question again.",
        not_text="I can only read text.",
    ),
}


def _voting(settings: Settings, folder: Path) -> Settings:
    privacy = replace(settings.privacy, feedback=True, feedback_file=folder / "votes.sqlite3")
    return replace(settings, privacy=privacy)


def _labels(message: SentMessage) -> list[str]:
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [str(button["text"]) for row in rows for button in row]


def _text(request: ApiRequest) -> str:
    return parse_telegram_html(str(request.params["text"])).text


class User:
    """One user in a private chat with the bot, counting the replies it gets."""

    def __init__(self, standin: BotApiStandin, user_id: int, language_code: str | None) -> None:
        self.standin, self.id, self.sent, self.toasts = standin, user_id, 0, 0
        standin.set_language(user_id, language_code)

    async def say(self, text: str | None) -> str:
        """Send a message (None: a sticker); return the text of the reply."""
        if text is None:
            await self.standin.send_sticker(chat_id=self.id, user_id=self.id)
        else:
            await self.standin.send_text(text, chat_id=self.id, user_id=self.id)
        self.sent += 1
        replies = await self.standin.wait_for(
            "sendMessage", lambda r: r.params.get("chat_id") == self.id, count=self.sent
        )
        return _text(replies[-1])

    @property
    def last(self) -> SentMessage:
        """Return the bot's last message in the chat."""
        return self.standin.messages(self.id)[-1]

    async def press(self, data: str, message: SentMessage) -> str:
        """Press a button; return its toast ("" when the press is answered silently)."""
        await self.standin.send_callback(data, message=message, user_id=self.id)
        self.toasts += 1
        answered = await self.standin.wait_for("answerCallbackQuery", count=self.toasts)
        return str(answered[-1].params.get("text", ""))


@pytest.mark.parametrize("language", sorted(EXPECTED))
async def test_a_user_reads_the_bot_in_their_language(
    language: str, settings: Settings, library: Library, tmp_path: Path
) -> None:
    expected = EXPECTED[language]
    async with running_bot(_voting(settings, tmp_path), library) as (standin, _):
        await standin.wait_for("setMyCommands", count=2)
        english, russian = standin.commands(), standin.commands("ru")
        assert [c["command"] for c in russian] == [c["command"] for c in english]
        menu = russian if language == "ru" else english
        assert menu[0] == {"command": "start", "description": expected.menu_start}

        user = User(standin, USER, language)
        start = await user.say("/start")
        assert expected.start in start
        assert _labels(user.last)[0].startswith(expected.example_button)
        shown = await user.say("/help")
        assert shown.startswith(expected.help_title) and expected.help_line in shown

        not_found = await user.say(IN_RUSSIAN)
        assert expected.not_found in not_found and not_found.endswith(expected.hint)
        assert expected.not_text in await user.say(None)

        found = await user.say(FOUND)
        assert "Kerry" in found  # quotes stay as the sources have them
        answer = user.last
        labels = _labels(answer)
        assert any(label.startswith(expected.context_button) for label in labels)
        assert expected.more_button in labels
        assert any(label.startswith(expected.more_from_button) for label in labels)
        more = next(d for d in answer.callback_data() if d.startswith("m:"))
        assert await user.press(more, answer) == ""
        await standin.wait_for("editMessageText")
        assert expected.back_button in _labels(user.last)  # the answer, its next page
        vote = next(d for d in answer.callback_data() if d.startswith("v:"))
        assert await user.press(vote, answer) == expected.vote_toast
        assert await user.press("m:nosuchquestion:3", answer) == expected.stale_toast
        assert await user.press("zz:1", answer) == expected.stale_toast


async def test_language_tags_with_a_region_or_without_a_catalog(
    settings: Settings, library: Library
) -> None:
    async with running_bot(settings, library) as (standin, _):
        for user_id, code, title in (
            (801, "ru-RU", "Команды"),
            (802, "RU", "Команды"),
            (803, "de", "Commands"),  # no German catalog: English
            (804, None, "Commands"),  # no language_code at all
        ):
            user = User(standin, user_id, code)
            assert (await user.say("/help")).startswith(title), code


async def test_slow_down_is_said_in_the_users_language(
    settings: Settings, library: Library
) -> None:
    limited = replace(settings, limits=replace(settings.limits, questions_per_minute=1))
    async with running_bot(limited, library) as (standin, _):
        user = User(standin, USER, "ru")
        assert "Kerry" in await user.say(FOUND)
        assert await user.say(FOUND) == (
            "Вы спрашиваете быстрее, чем я успеваю отвечать всем: подождите минуту."
        )
        answer = standin.messages(USER)[0]
        toasts = [await user.press("c:1:1", answer) for _ in range(BUTTON_FACTOR + 1)]
        assert toasts[-1] == "Слишком много нажатий: подождите минуту."
