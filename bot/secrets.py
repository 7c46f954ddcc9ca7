"""Where the bot token comes from: TELEGRAM_BOT_TOKEN in the environment or a git-ignored
`.env` file. Never from config, never logged."""

from __future__ import annotations

import os
import re
from pathlib import Path

from retrieval import SourcebotError

TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"
TOKEN_SHAPE = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
HOW_TO_GET = (
    "get a token from @BotFather in Telegram (/newbot), then put "
    f"{TOKEN_VARIABLE}=<token> in .env or the environment; see README"
)


class TokenError(SourcebotError):
    """The bot token is missing or malformed."""


def read_dotenv(path: Path) -> dict[str, str]:
    """Return KEY=VALUE pairs of a .env file (comments, blanks and `export` allowed)."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError):
        return values
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"cannot read {path}: {exc}") from exc
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def bot_token(dotenv: Path) -> str:
    """Return the bot token; TokenError says how to get one when it is missing or malformed."""
    token = os.environ.get(TOKEN_VARIABLE) or read_dotenv(dotenv).get(TOKEN_VARIABLE, "")
    token = token.strip()
    if not token:
        raise TokenError(f"{TOKEN_VARIABLE} is not set: {HOW_TO_GET}")
    if not TOKEN_SHAPE.match(token):
        raise TokenError(
            f"{TOKEN_VARIABLE} does not look like a bot token (digits:letters): {HOW_TO_GET}"
        )
    return token
