"""Load test: many users asking at once through the real Application and the stand-in.

    .venv/bin/python -m tests.support.load_test [--users 50] [--questions 20]   (or: make loadtest)

Each simulated user asks a question, waits for the reply, and asks the next, all users at
once. Prints questions answered per second, reply latency percentiles, and how many
replies were lost or duplicated (both must be 0). Telegram's own send limit (about 30
messages a second) is switched off here to measure the bot itself.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.botrun import start_bot_process
from tests.support.configs import write_config
from tests.support.paths import REPO_ROOT
from tests.support.standin import BotApiStandin

ROOT = REPO_ROOT
QUESTIONS = (
    "Was Crimea discussed?",
    "Will the sanctions be lifted?",
    "What is escalation dominance?",
    "Who initiated the meeting?",
    "How does China factor in?",
    "What is the Novorossiya project?",
    "How do I bake bread?",
    "What did Lavorv say?",
)


@dataclass(frozen=True)
class LoadResult:
    """What one load run measured."""

    users: int
    questions: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    lost: int
    duplicated: int

    def table(self) -> str:
        """Return the result as a small table."""
        return (
            "| users | questions | seconds | questions/s | p50 ms | p95 ms | p99 ms "
            "| lost | dup |\n|---|---|---|---|---|---|---|---|---|\n"
            f"| {self.users} | {self.questions} | {self.seconds:.2f} | {self.per_second:.0f} "
            f"| {self.p50_ms:.1f} | {self.p95_ms:.1f} | {self.p99_ms:.1f} "
            f"| {self.lost} | {self.duplicated} |"
        )


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run_load(users: int = 50, per_user: int = 20, workdir: Path | None = None) -> LoadResult:
    """Run `sourcebot run` as its own process against the stand-in; return what was measured."""
    folder = Path(tempfile.mkdtemp()) if workdir is None else workdir
    config = write_config(
        folder, ROOT / "seeds", {"messages_per_second: 30": "messages_per_second: 0"}
    )
    latencies: list[float] = []
    async with BotApiStandin() as standin:
        bot = await start_bot_process(standin, config, cwd=folder, quiet=True)
        try:
            # Warm up: the bot is polling once it answers, and the spelling dictionary is loaded.
            await standin.send_text("What did Lavorv say?", chat_id=1, user_id=1)
            await standin.wait_for("sendMessage", timeout=60)
            # One watcher reads the stand-in's request log once and wakes the user whose
            # reply arrived (the stand-in's generic wait_for would rescan it per waiter).
            arrived: dict[int, asyncio.Queue[float]] = {
                10_000 + i: asyncio.Queue() for i in range(users)
            }
            done = asyncio.Event()

            async def watch() -> None:
                seen = 0
                while not done.is_set():
                    requests = standin._requests  # no copy: read the log in place
                    for request in requests[seen:]:
                        if request.method == "sendMessage" and request.ok:
                            queue = arrived.get(int(request.params["chat_id"]))
                            if queue is not None:
                                queue.put_nowait(time.perf_counter())
                    seen = len(requests)
                    await asyncio.sleep(0.001)

            async def user(chat_id: int) -> None:
                for n in range(per_user):
                    asked = time.perf_counter()
                    await standin.send_text(
                        QUESTIONS[(chat_id + n) % len(QUESTIONS)], chat_id=chat_id, user_id=chat_id
                    )
                    replied = await asyncio.wait_for(arrived[chat_id].get(), 60)
                    latencies.append((replied - asked) * 1000)

            watcher = asyncio.create_task(watch())
            started = time.perf_counter()
            await asyncio.gather(*(user(10_000 + i) for i in range(users)))
            seconds = time.perf_counter() - started
            await asyncio.sleep(0.5)  # let any duplicate reply arrive before counting
            done.set()
            await watcher
        finally:
            bot.send_signal(signal.SIGINT)
            await asyncio.wait_for(bot.wait(), 30)
    replies: dict[int, int] = {}
    for request in standin.requests:
        if request.method == "sendMessage" and request.ok:
            chat = int(request.params["chat_id"])
            replies[chat] = replies.get(chat, 0) + 1
    expected = users * per_user
    answered = sum(min(replies.get(10_000 + i, 0), per_user) for i in range(users))
    return LoadResult(
        users=users,
        questions=expected,
        seconds=seconds,
        per_second=expected / seconds,
        p50_ms=statistics.median(latencies),
        p95_ms=_percentile(latencies, 0.95),
        p99_ms=_percentile(latencies, 0.99),
        lost=expected - answered,
        duplicated=sum(max(replies.get(10_000 + i, 0) - per_user, 0) for i in range(users)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=20, help="questions per user")
    args = parser.parse_args()
    print(asyncio.run(run_load(args.users, args.questions)).table())


if __name__ == "__main__":
    main()
