"""Webhook settings: the URL must be https, the secret token Telegram's shape; it comes from
the environment, the config, or is made at random, and never shows in a repr."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, WebhookSettings
from bot.webhook import SECRET_VARIABLE, webhook_from


def test_no_url_means_polling() -> None:
    assert webhook_from(WebhookSettings()) is None


def test_the_flag_wins_and_gives_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_VARIABLE, raising=False)
    config = WebhookSettings(url="https://a.example/x", port=9000, secret_token="from_config")
    hook = webhook_from(config, "https://bot.example.org/deep/hook/")
    assert hook is not None
    assert (hook.url, hook.path, hook.port) == (
        "https://bot.example.org/deep/hook/",
        "deep/hook",
        9000,
    )
    assert hook.secret_token == "from_config" and "from_config" not in repr(hook)


def test_the_secret_from_the_environment_or_at_random(monkeypatch: pytest.MonkeyPatch) -> None:
    config = WebhookSettings(url="https://bot.example.org/hook", secret_token="from_config")
    monkeypatch.setenv(SECRET_VARIABLE, "from-env")
    hook = webhook_from(config)
    assert hook is not None and hook.secret_token == "from-env"
    monkeypatch.delenv(SECRET_VARIABLE)
    first = webhook_from(WebhookSettings(url="https://bot.example.org/hook"))
    second = webhook_from(WebhookSettings(url="https://bot.example.org/hook"))
    assert first is not None and second is not None
    assert len(first.secret_token) >= 32 and first.secret_token != second.secret_token


@pytest.mark.parametrize("url", ["http://bot.example.org/hook", "bot.example.org", "https://"])
def test_a_url_that_is_not_https_is_refused(url: str) -> None:
    with pytest.raises(ConfigError, match="must be an https:// address"):
        webhook_from(WebhookSettings(), url)


def test_a_malformed_secret_in_the_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_VARIABLE, "has spaces!")
    with pytest.raises(ConfigError, match=SECRET_VARIABLE):
        webhook_from(WebhookSettings(url="https://bot.example.org/hook"))
