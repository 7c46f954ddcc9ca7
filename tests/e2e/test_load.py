"""A small run of the load test in the suite: every question answered exactly once.

Speed is measured by `make loadtest` (tests/load_test.py), which prints the figures; here
only correctness under concurrency is asserted, so the suite does not flake on a busy
machine.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.load_test import run_load


async def test_concurrent_users_each_get_every_reply_exactly_once(tmp_path: Path) -> None:
    result = await run_load(users=20, per_user=5, workdir=tmp_path)
    assert result.questions == 100
    assert result.lost == 0
    assert result.duplicated == 0
    assert result.per_second > 0 and result.p95_ms >= result.p50_ms
