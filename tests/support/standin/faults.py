"""Faults the Bot API stand-in injects into one call (`BotApiStandin.fail_next`).

Each says what the bot sees and whether the call took effect: a 429 to wait out, an HTTP
error in the Bot API's JSON, a slow answer (the call still takes effect), a dropped
connection or a broken body (no effect), an update delivered twice; and the faults where
the call was carried out and then its answer was lost on the way (a connection reset, a
proxy's 502 page, a body cut short) or trickled a byte at a time. The last two are played
by `lose_answer` and `trickle`, which the server hands the answer it would have sent.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web


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


@dataclass(frozen=True)
class LostAnswerFault:
    """Carry the call out, then lose its answer on the way back.

    "reset": the connection is reset instead of the answer; "502": a proxy's HTML "502 Bad
    Gateway" page comes back instead; "truncated": the answer is cut off halfway.
    """

    how: Literal["reset", "502", "truncated"] = "reset"


@dataclass(frozen=True)
class TrickleFault:
    """Carry the call out, then send its answer a byte every `every` seconds, for `seconds`
    (the rest then at once), as a bad proxy or a throttled link might."""

    seconds: float = 60.0
    every: float = 1.0


PROXY_502 = b"<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"


async def lose_answer(
    request: web.Request, fault: LostAnswerFault, payload: dict[str, Any]
) -> web.StreamResponse:
    """Answer a call that was carried out as if the answer were lost on the way."""
    if fault.how == "502":
        return web.Response(status=502, body=PROXY_502, content_type="text/html")
    if fault.how == "reset" or request.transport is None:
        if request.transport is not None:
            request.transport.abort()
        return web.Response()
    body = json.dumps(payload).encode()
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    request.transport.close()  # what was written goes out, then the connection ends
    return response


async def trickle(
    request: web.Request, fault: TrickleFault, payload: dict[str, Any]
) -> web.StreamResponse:
    """Send a call's answer a byte at a time for fault.seconds, then the rest."""
    body = json.dumps(payload).encode()
    response = web.StreamResponse(status=200, headers={"Content-Type": "application/json"})
    response.content_length = len(body)
    await response.prepare(request)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + fault.seconds
    sent = 0
    while sent < len(body) - 1 and loop.time() < deadline:
        await response.write(body[sent : sent + 1])
        sent += 1
        await asyncio.sleep(fault.every)
    await response.write(body[sent:])
    return response


Fault = (
    RetryAfterFault
    | HttpErrorFault
    | DelayFault
    | DropConnectionFault
    | MalformedJsonFault
    | DuplicateUpdateFault
    | LostAnswerFault
    | TrickleFault
)
