"""What /stats and the operators' metrics line report: questions answered, how many found
nothing, how long answers took (95th percentile), and, only when `privacy.log_questions`
is on, which unanswered questions come back most. Never who asked; the metrics line never
holds a question's text either."""

from __future__ import annotations

import asyncio
import logging
import math
from collections import Counter, deque
from dataclasses import dataclass, field

log = logging.getLogger("sourcebot.metrics")
METRICS_SECONDS = 60.0

MAX_KEPT = 5000  # distinct unanswered questions remembered at most
MAX_TIMES = 10_000  # the latest answer times kept for /stats' percentile


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of values (0 for none): share 0.95 is the p95."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


@dataclass(frozen=True)
class Window:
    """Questions answered in one stretch of time, for the metrics line."""

    questions: int
    not_found: int
    p95_ms: float

    @property
    def not_found_rate(self) -> float:
        return self.not_found / self.questions if self.questions else 0.0

    def line(self, seconds: float) -> str:
        """Return the INFO metrics line: counts, rate and time, nothing anyone asked."""
        return (
            f"metrics: last {seconds:.0f} s: questions={self.questions} "
            f"not_found_rate={self.not_found_rate:.2f} p95_ms={self.p95_ms:.1f}"
        )


@dataclass(frozen=True)
class IndexSize:
    """How much the bot answers from, for /stats."""

    sources: int
    passages: int
    terms: int
    saved_bytes: int | None  # the saved index's files; None: built in memory


@dataclass
class Stats:
    """Counters since the bot started, and since the last metrics line."""

    questions: int = 0
    not_found: int = 0
    unanswered: Counter[str] = field(default_factory=Counter)
    times_ms: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_TIMES))
    # Since the last metrics line: counts, and the latest answer times (bounded like times_ms,
    # so a bot whose metrics line never runs keeps no more).
    _window_questions: int = 0
    _window_not_found: int = 0
    _window_ms: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_TIMES))

    def record(self, question: str, found: bool, keep_text: bool, ms: float = 0.0) -> None:
        """Count one answered question, and how long its answer took."""
        self.questions += 1
        self.times_ms.append(ms)
        self._window_questions += 1
        self._window_ms.append(ms)
        if found:
            return
        self.not_found += 1
        self._window_not_found += 1
        if keep_text:
            key = " ".join(question.casefold().split())[:200]
            if key in self.unanswered or len(self.unanswered) < MAX_KEPT:
                self.unanswered[key] += 1

    @property
    def not_found_rate(self) -> float:
        return self.not_found / self.questions if self.questions else 0.0

    @property
    def p95_ms(self) -> float:
        """Return the 95th percentile of the latest answer times."""
        return percentile(list(self.times_ms), 0.95)

    def take_window(self) -> Window:
        """Return the questions since the last call, and start a new window."""
        window = Window(
            self._window_questions, self._window_not_found, percentile(list(self._window_ms), 0.95)
        )
        self._window_questions = self._window_not_found = 0
        self._window_ms.clear()
        return window


async def log_metrics(stats: Stats, seconds: float = METRICS_SECONDS) -> None:
    """Log one INFO metrics line every `seconds` (questions, not-found rate, p95), forever."""
    while True:
        await asyncio.sleep(seconds)
        log.info("%s", stats.take_window().line(seconds))
