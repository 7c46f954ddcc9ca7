"""Faults the Bot API stand-in injects into one call (`BotApiStandin.fail_next`).

Each says what the bot sees and whether the call took effect: a 429 to wait out, an HTTP
error, a slow answer (the call still takes effect), a dropped connection or a broken body
(no effect), and an update delivered twice.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryAfterFault:
    """Answer 429 "Too Many Requests: retry after N" with parameters.retry_after."""

    retry_after: int = 1


@dataclass(frozen=True)
class HttpErrorFault:
    """Answer with an HTTP error status (500, 502, ...) and a Telegram-style JSON error body."""

    status: int = 500
    description: str | None = None


@dataclass(frozen=True)
class DelayFault:
    """Sleep before handling the call; the call still takes effect, as on a slow Telegram."""

    seconds: float


@dataclass(frozen=True)
class DropConnectionFault:
    """Close the connection without any response; the call has no effect."""


@dataclass(frozen=True)
class MalformedJsonFault:
    """Answer 200 with a body that is not valid JSON; the call has no effect."""


@dataclass(frozen=True)
class DuplicateUpdateFault:
    """Make getUpdates deliver an already delivered update again (the latest one by default)."""

    update_id: int | None = None


Fault = (
    RetryAfterFault
    | HttpErrorFault
    | DelayFault
    | DropConnectionFault
    | MalformedJsonFault
    | DuplicateUpdateFault
)
