"""Talking to the Bot API through faults: retries where they are safe, one log line a fault.

`RetryingRequest` retries a Bot API call when Telegram (or the network) certainly did not
act on it: a 5xx answer, a connection dropped before any answer, or an answer that is not
JSON. A timeout is never retried, since the call may have taken effect (a slow server),
and a retry could send a reply twice; 429 is left to AIORateLimiter, which waits as told.
`FaultLog` writes one line when a kind of fault starts and one when it is over, instead
of a traceback per failed poll.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import HTTPXRequest

log = logging.getLogger("sourcebot.transport")

RETRIES = 3
BACKOFF_SECONDS = 0.5


class FaultLog:
    """Logs each kind of fault once per streak, and when the streak ends."""

    def __init__(self) -> None:
        self._open: dict[str, tuple[float, int]] = {}

    def fault(self, kind: str, detail: str) -> None:
        """Note a fault; only the first of a streak of the same kind is logged."""
        started, count = self._open.get(kind, (time.monotonic(), 0))
        if count == 0:
            log.warning("Bot API fault (%s): %s; retrying", kind, detail)
        self._open[kind] = (started, count + 1)

    def recovered(self, kind: str) -> None:
        """Note a success; log the end of a streak of this kind of fault, if there was one."""
        streak = self._open.pop(kind, None)
        if streak is not None:
            log.warning(
                "Bot API recovered (%s) after %d failed calls in %.1f s",
                kind,
                streak[1],
                time.monotonic() - streak[0],
            )


def _method(url: str) -> str:
    return url.rsplit("/", 1)[-1]


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that retries calls Telegram certainly did not act on."""

    def __init__(self, faults: FaultLog, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.faults = faults

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        name = _method(url)
        for attempt in range(RETRIES + 1):
            last = attempt == RETRIES
            try:
                code, payload = await super().do_request(url, method, *args, **kwargs)
            except TimedOut:
                raise  # the call may have been carried out: never repeat it
            except NetworkError as exc:
                if last:
                    raise
                self.faults.fault(f"{name}: connection", exc.message)
            else:
                problem = _problem(code, payload)
                if problem is None:
                    self.faults.recovered(f"{name}: connection")
                    self.faults.recovered(f"{name}: server")
                    return code, payload
                if last:
                    raise NetworkError(f"Bot API gave {problem} {RETRIES + 1} times in a row")
                self.faults.fault(f"{name}: server", problem)
            await asyncio.sleep(BACKOFF_SECONDS * 2**attempt)
        raise TelegramError("unreachable")  # pragma: no cover


def _problem(code: int, payload: bytes) -> str | None:
    """Return why an answer shows the call was not carried out, or None when it is fine."""
    if code >= 500:
        return f"HTTP {code}"
    if 200 <= code < 300:
        try:
            json.loads(payload)
        except ValueError:
            return "an answer that is not JSON"
    return None
