"""What /stats and the operators' metrics line count: questions, not-found rate, p95."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from bot.stats import Stats, log_metrics, percentile


def test_percentile_is_the_nearest_rank() -> None:
    assert percentile([], 0.95) == 0.0
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0


def test_a_window_counts_since_the_last_one_without_question_texts() -> None:
    stats = Stats()
    for n in range(20):
        stats.record(f"secret question {n}", found=n % 4 != 0, keep_text=True, ms=float(n))
    window = stats.take_window()
    assert (window.questions, window.not_found, window.p95_ms) == (20, 5, 18.0)
    line = window.line(60)
    assert line == "metrics: last 60 s: questions=20 not_found_rate=0.25 p95_ms=18.0"
    assert stats.take_window().questions == 0  # a new window
    assert stats.questions == 20 and stats.p95_ms == 18.0  # /stats counts since the start


async def test_the_metrics_line_is_logged_every_period(caplog: pytest.LogCaptureFixture) -> None:
    stats = Stats()
    stats.record("who is it?", found=True, keep_text=False, ms=12.0)
    caplog.set_level(logging.INFO, logger="sourcebot.metrics")
    task = asyncio.ensure_future(log_metrics(stats, 0.05))
    await asyncio.sleep(0.18)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    lines = [r.getMessage() for r in caplog.records if r.name == "sourcebot.metrics"]
    assert lines[0] == "metrics: last 0 s: questions=1 not_found_rate=0.00 p95_ms=12.0"
    assert all("questions=0" in line for line in lines[1:]) and len(lines) >= 2
    assert not any("who is it" in line for line in lines)
