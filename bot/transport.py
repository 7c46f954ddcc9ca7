"""Talking to the Bot API through faults: a failed call is repeated only when that is safe.

Whether a failed call may be repeated depends on whether Telegram can have carried it out,
and on whether carrying it out twice would show. `RetryingRequest` decides per failure:

  certainly not carried out, so repeated (any method), with backoff:
    - no connection: a connect error or timeout, or the request not fully written;
    - no free connection in our own pool (python-telegram-bot's "Pool timeout ... not sent"),
      waited for up to POOL_WAIT_SECONDS in all;
    - an error answer in the Bot API's own JSON (`"ok": false`) with a 5xx code: the server
      says the call failed.
  perhaps carried out, its answer lost:
    - the connection dropped or reset after the request was sent, a body cut short, a read
      timeout or the call's overall deadline passed, a 5xx page that is not the Bot API's (a
      proxy's "502 Bad Gateway"), a 2xx answer that is not JSON.
    Repeated only for the methods in REPEATABLE, whose repeat does not show (getUpdates,
    getMe, setMyCommands, editMessageText: a repeat is "not modified" ...). Any other call
    (sendMessage, answerCallbackQuery, answerInlineQuery ...) raises `DeliveryUnknownError`: a
    reply that may have gone through is never sent twice.
  429 "retry after" is left to AIORateLimiter, which waits as Telegram asks.

Every call also has an overall deadline (its read timeout plus DEADLINE_SLACK), so an answer
trickled a byte at a time cannot hold a reply, or a stop, for long. `FaultLog` writes one
line when a kind of fault starts and one when it is over, instead of one per failed call.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest, RequestData

from bot.inflight import reply_begun

log = logging.getLogger("sourcebot.transport")

RETRIES = 3
BACKOFF_SECONDS = 0.5
POOL_WAIT_SECONDS = 60.0  # in all, for a free connection of our pool, before giving up
DEADLINE_SLACK = 15.0  # seconds beyond the read timeout a whole call may take
REPEATABLE = frozenset(
    name.casefold()
    for name in (
        "getUpdates",
        "getMe",
        "getFile",
        "getMyCommands",
        "setMyCommands",
        "deleteMyCommands",
        "deleteWebhook",
        "getWebhookInfo",
        "editMessageText",
        "sendChatAction",
    )
)
# httpx errors that show the request never reached the server whole.
NOT_SENT = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.WriteError,
    httpx.WriteTimeout,
    httpx.LocalProtocolError,
    httpx.UnsupportedProtocol,
)


class DeliveryUnknownError(NetworkError):
    """A call that may have been carried out lost its answer; it is not repeated."""


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


def method_name(url: str) -> str:
    """Return the Bot API method a request URL calls."""
    return url.rsplit("/", 1)[-1]


def not_sent(error: BaseException) -> bool:
    """Say whether a failed call certainly did not reach the server (its cause shows it)."""
    return isinstance(error.__cause__, NOT_SENT)


def refused(code: int, payload: bytes) -> bool:
    """Say whether an answer is the Bot API's own 5xx error, i.e. the call was not carried out."""
    if code < 500:
        return False
    try:
        data = json.loads(payload)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("ok") is False


def _problem(code: int, payload: bytes, download: bool = False) -> str | None:
    """Return what is wrong with an answer that shows a fault, or None when it is fine."""
    if code >= 500:
        return f"HTTP {code}"
    if 200 <= code < 300 and not download:
        try:
            json.loads(payload)
        except ValueError:
            return "an answer that is not JSON"
    return None


class RetryingRequest(HTTPXRequest):
    """HTTPXRequest that repeats a failed call when Telegram certainly did not act on it, or
    when acting twice does not show."""

    def __init__(self, faults: FaultLog, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.faults = faults

    def _deadline(self, read_timeout: object) -> float:
        read = read_timeout if isinstance(read_timeout, int | float) else self.read_timeout
        return (read or 0.0) + DEADLINE_SLACK

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        name = method_name(url)
        # A GET is a file download (File.download_*): its answer is the file, not JSON, and
        # fetching it twice changes nothing.
        download = method == "GET"
        again = download or name.casefold() in REPEATABLE
        if not again:
            reply_begun()  # from here on, a stop must not answer this update again
        attempt = 0
        pool_deadline = time.monotonic() + POOL_WAIT_SECONDS
        while True:
            last = attempt >= RETRIES
            try:
                async with asyncio.timeout(self._deadline(read_timeout)):
                    code, payload = await super().do_request(
                        url,
                        method,
                        request_data,
                        read_timeout,
                        write_timeout,
                        connect_timeout,
                        pool_timeout,
                    )
            except TimeoutError as exc:  # the overall deadline: an answer that never ends
                if again:
                    raise TimedOut(f"{name}: no whole answer in time") from exc
                raise DeliveryUnknownError(f"{name}: no whole answer in time") from exc
            except TimedOut as exc:
                if isinstance(exc.__cause__, httpx.PoolTimeout):
                    if time.monotonic() >= pool_deadline:
                        raise
                    self.faults.fault(f"{name}: pool busy", "all connections in use; waiting")
                    continue  # not sent: the wait for a free connection was the backoff
                if not not_sent(exc):  # a read timeout: the call may have been carried out
                    if again:
                        raise  # python-telegram-bot decides (a long poll simply polls again)
                    raise DeliveryUnknownError(f"{name}: timed out waiting for the answer") from exc
                if last:
                    raise
                self.faults.fault(f"{name}: connection", exc.message)
            except NetworkError as exc:
                if not (again or not_sent(exc)):
                    raise DeliveryUnknownError(f"{name}: {exc.message}") from exc
                if last:
                    raise
                self.faults.fault(f"{name}: connection", exc.message)
            else:
                problem = _problem(code, payload, download)
                if problem is None:
                    for kind in ("connection", "server", "pool busy"):
                        self.faults.recovered(f"{name}: {kind}")
                    return code, payload
                if not (again or refused(code, payload)):
                    raise DeliveryUnknownError(f"{name}: {problem}")
                if last:
                    raise NetworkError(f"Bot API gave {problem} {RETRIES + 1} times in a row")
                self.faults.fault(f"{name}: server", problem)
            await asyncio.sleep(BACKOFF_SECONDS * 2**attempt)
            attempt += 1
