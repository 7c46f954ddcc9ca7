"""The bot's memory stays flat over a long run: questions full of words never seen before,
from people never seen before, leave no trace beyond the bounded memories, which fill up
during the warm-up. The 20,000-question run takes minutes (`make longrun`); a shorter one
runs with the suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.long_run import run_long


async def test_memory_stays_flat_over_2000_questions(tmp_path: Path) -> None:
    result = await run_long(2_000, workdir=tmp_path)
    print(result.table())
    assert result.lost == 0
    assert result.rss_growth_mb < 3.0, result.table()


@pytest.mark.longrun
@pytest.mark.timeout(1800)
async def test_memory_stays_flat_over_20000_questions(tmp_path: Path) -> None:
    result = await run_long(20_000, workdir=tmp_path)
    print(result.table())
    assert result.lost == 0
    assert result.rss_growth_mb < 5.0, result.table()
