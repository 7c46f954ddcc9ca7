"""Logging for the bot: one INFO line per update, and no bot token in any line, ever.

python-telegram-bot and httpx put the request URL, token included, into DEBUG lines;
httpx/httpcore are raised to WARNING and a filter on the root handlers replaces anything
shaped like a bot token, whatever logger or level it comes from.
"""

from __future__ import annotations

import logging
import re
import sys

TOKEN_PATTERN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[REDACTED-TOKEN]"


def redact(text: str) -> str:
    """Return text with anything shaped like a bot token replaced."""
    return TOKEN_PATTERN.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrite a record so that its message and exception text hold no bot token."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
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
