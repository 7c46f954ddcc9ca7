"""Cold start: from `sourcebot run --index-dir DIR` to the bot's first answer, as a user waits.

    .venv/bin/python -m tests.support.cold_start INDEX_DIR [--runs 5] [--question TEXT]

Each run starts a fresh `sourcebot run` process against the local Bot API stand-in with a
question already queued (so its first getUpdates returns it), and times process start to
the reply's sendMessage; the process is then stopped with Ctrl-C. Prints min, median and
max over the runs. The index is one `sourcebot index --index-dir DIR` saved; the config
is the project's (its sources are not read: the saved index is).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import statistics
import tempfile
import time
from pathlib import Path

from tests.support.botrun import start_bot_process
from tests.support.configs import write_config
from tests.support.paths import REPO_ROOT
from tests.support.standin import BotApiStandin

QUESTION = "Who founded the company in Zurich?"


async def one_run(index_dir: Path, config: Path, question: str) -> float:
    """Return the seconds from process start to the first answer's sendMessage."""
    async with BotApiStandin() as standin:
        await standin.send_text(question)
        started = time.perf_counter()
        proc = await start_bot_process(standin, config, "--index-dir", str(index_dir), quiet=True)
        try:
            await standin.wait_for("sendMessage", timeout=120)
            return time.perf_counter() - started
        finally:
            proc.send_signal(signal.SIGINT)
            await asyncio.wait_for(proc.wait(), 60)


async def main_async(index_dir: Path, runs: int, question: str) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp), REPO_ROOT / "seeds")
        return [await one_run(index_dir, config, question) for _ in range(runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--question", default=QUESTION)
    args = parser.parse_args()
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)  # a poll cut at each stop
    times = asyncio.run(main_async(args.index_dir, args.runs, args.question))
    print(
        f"process start to first answer over {len(times)} runs: min {min(times):.2f} s, "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )


if __name__ == "__main__":
    main()
