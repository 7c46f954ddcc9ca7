"""Logging for the bot: one INFO line per update, and no bot token in any line, ever.

python-telegram-bot and httpx put the request URL, token included, into DEBUG lines;
httpx/httpcore are raised to WARNING and a filter on the root handlers replaces anything
shaped like a bot token, whatever logger or level it comes from. The same filter escapes
line breaks, other control characters and bidi controls in every message, so a file name
(or a server's answer) cannot forge a log line or reorder one.
"""

from __future__ import annotations

import logging
import re
import sys

TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED-TOKEN]"
# C0 and C1 controls, line and paragraph separators, and the bidi controls.
UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """Return text as one printable line: controls, line breaks and bidi controls escaped."""
    if text.isprintable():  # in C; rules out every character UNPRINTABLE matches
        return text
    return UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def redact(text: str) -> str:
    """Return text with anything shaped like a bot token replaced."""
    return TOKEN_PATTERN.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrite a record so that its message is one printable line and neither it nor its
    exception text holds a bot token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(printable(message))
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def install_redaction(logger: logging.Logger | None = None) -> None:
    """Add the redaction filter to every handler of logger (default: root)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, RedactTokens) for f in handler.filters):
            handler.addFilter(RedactTokens())


def setup_logging(level: int = logging.INFO) -> None:
    """Log to stderr at level, with tokens redacted and HTTP client chatter quietened."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    root.setLevel(level)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    install_redaction(root)
