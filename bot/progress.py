"""A progress bar for long index builds, drawn on a terminal only and only after a while."""

from __future__ import annotations

import time
from typing import TextIO

DELAY = 2.0  # seconds before the bar appears: short builds stay quiet
WIDTH = 30


class ProgressBar:
    """Called with (files done, files in all, passages so far); redraws at most 10 times/s."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._started = time.monotonic()
        self._drawn = 0.0
        self._shown = False

    def __call__(self, done: int, total: int, passages: int) -> None:
        now = time.monotonic()
        if now - self._started < DELAY or (now - self._drawn < 0.1 and done < total):
            return
        self._drawn = now
        filled = WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (WIDTH - filled)
        self._stream.write(
            f"\r[{bar}] {done}/{total} files, {passages:,} passages, {now - self._started:.0f} s"
        )
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        """End the bar's line, if it was drawn."""
        if self._shown:
            self._stream.write("\n")
            self._stream.flush()
