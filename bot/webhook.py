"""Webhook mode: where Telegram posts the updates, and the secret token it must send along.

`sourcebot run --webhook-url https://host/path` (or `telegram.webhook.url`) has
python-telegram-bot's webhook runner (tornado) listen on `listen:port` for POSTs to /path,
and tells Telegram the URL with setWebhook. A reverse proxy with the HTTPS certificate
forwards https://host/path there. Every request must carry the secret token in
X-Telegram-Bot-Api-Secret-Token, or it is refused (403) before it is read: the token comes
from TELEGRAM_WEBHOOK_SECRET, else `telegram.webhook.secret_token`, else a new random one
each start (Telegram learns it from setWebhook, so nothing else needs it). It is never
logged.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import Update

from bot.config import ConfigError, WebhookSettings
from bot.context import App

SECRET_VARIABLE = "TELEGRAM_WEBHOOK_SECRET"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_URL = re.compile(r"https://[^\s/?#]+(/[^\s?#]*)?")


@dataclass(frozen=True)
class Webhook:
    """Where updates come in: the public URL, the local address, the path, the secret."""

    url: str
    listen: str
    port: int
    path: str
    secret_token: str

    def __repr__(self) -> str:  # never show the secret, in logs or tracebacks
        return f"Webhook(url={self.url!r}, listen={self.listen!r}, port={self.port})"


def webhook_from(settings: WebhookSettings, url: str | None = None) -> Webhook | None:
    """Return the webhook to serve (url given, else the config's), or None to poll."""
    url = url or settings.url
    if url is None:
        return None
    if not _URL.fullmatch(url):
        raise ConfigError(
            f"webhook URL {url!r} must be an https:// address Telegram can reach, "
            "e.g. https://bot.example.org/hook"
        )
    secret = os.environ.get(SECRET_VARIABLE) or settings.secret_token or secrets.token_urlsafe(32)
    if not _SECRET.fullmatch(secret):
        raise ConfigError(
            f"{SECRET_VARIABLE} must be 1 to 256 characters of A-Z, a-z, 0-9, _ and -"
        )
    path = urlsplit(url).path.strip("/")
    return Webhook(url, settings.listen, settings.port, path, secret)


async def start_webhook(app: App, hook: Webhook) -> None:
    """Serve updates posted to the webhook, and tell Telegram where to post them."""
    if app.updater is None:  # pragma: no cover - build_application always has one
        raise RuntimeError("the application has no updater")
    await app.updater.start_webhook(
        listen=hook.listen,
        port=hook.port,
        url_path=hook.path,
        webhook_url=hook.url,
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
        secret_token=hook.secret_token,
    )
