"""Long run: many questions through the real bot (`sourcebot run`, its own process) and the
stand-in, with the bot's resident memory sampled as they go.

    .venv/bin/python -m tests.support.long_run [--questions 20000]      (or: make longrun)

Users ask at once, up to PER_WAVE at a time, each waiting for the reply before asking again, then
make way for the next wave of newcomers (so per-user memory meets new people all along).
Every question holds a made-up word drawn from a Zipf-distributed pool (misspellings the
sources never had, as people's words are) and a "word" of a few hundred to two thousand
letters never sent before: what someone filling the bot's memory on purpose would send.
Prints the bot's RSS at each tenth of the run; `rss_growth_mb` is the growth from the end
of the warm-up (the first WARMUP share, when the bounded memories have filled) to the end.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.botrun import start_bot_process
from tests.support.configs import write_config
from tests.support.paths import REPO_ROOT
from tests.support.standin import BotApiStandin

QUESTIONS = (
    "Was Crimea discussed? {word} {noise}",
    "Will the sanctions be lifted? {noise} {word}",
    "What did Lavorv say about {word}? {noise}",
    "{noise} What is escalation dominance in {word}?",
    "Who initiated the meeting with {word}? {noise}",
    "How does China factor in? {noise} {word}",
    "{word} and the Novorossiya project {noise}",
    "How do I bake {word} bread? {noise}",
)
WARMUP = 0.3  # share of the run after which memory should stay flat
SAMPLES = 10
PER_WAVE = 100  # users asking at once
PER_USER = 10  # questions each (the per-user limit is 20 a minute)
POOL = 50_000  # made-up words people use, the most common first


@dataclass(frozen=True)
class LongRunResult:
    """The bot's RSS through a long run."""

    questions: int
    seconds: float
    rss_mb: tuple[float, ...]  # at the start, then after each tenth of the questions
    lost: int
    log: Path  # the bot's stderr

    @property
    def rss_growth_mb(self) -> float:
        """Return how much RSS grew from the end of the warm-up to the end of the run."""
        warm = round(WARMUP * SAMPLES)
        return max(self.rss_mb[warm:]) - self.rss_mb[warm]

    def table(self) -> str:
        """Return the samples, one line per tenth of the run."""
        lines = [f"{self.questions} questions in {self.seconds:.0f} s, {self.lost} lost"]
        step = self.questions / SAMPLES
        lines += [f"  after {round(i * step):>6}: {mb:7.1f} MB" for i, mb in enumerate(self.rss_mb)]
        lines.append(f"growth after the warm-up: {self.rss_growth_mb:+.1f} MB")
        return "\n".join(lines)


def rss_mb(pid: int) -> float:
    """Return a process's resident set size in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def made_up(n: int) -> str:
    """Return made-up word number n: pronounceable, and unknown to the sources."""
    letters = "bcdfghjklmnpqrstvwxz"
    syllables = []
    for _ in range(3 + n % 4):
        n, i = divmod(n, len(letters) * 5)
        syllables.append(letters[i // 5] + "aeiou"[i % 5])
    return "".join(syllables)


def question(rng: random.Random) -> str:
    """Return one question of the run."""
    word = made_up(min(int(rng.paretovariate(1.0)) - 1, POOL - 1))
    noise = "".join(rng.choice("abcdefghij") for _ in range(rng.randint(300, 1900)))
    return rng.choice(QUESTIONS).format(word=word, noise=noise)


async def run_long(questions: int = 20_000, workdir: Path | None = None) -> LongRunResult:
    """Ask about `questions` questions; return the bot's RSS through the run."""
    folder = Path(tempfile.mkdtemp()) if workdir is None else workdir
    config = write_config(
        folder,
        REPO_ROOT / "seeds",
        {
            "messages_per_second: 30": "messages_per_second: 0",
            # Small bounded memories, so that they fill during the warm-up.
            "max_chats: 10000": "max_chats: 20",
            "max_questions: 10000": "max_questions: 200",
        },
    )
    rng = random.Random(0)
    per_wave = max(1, min(PER_WAVE, questions // (SAMPLES * PER_USER)))
    waves = max(SAMPLES, questions // (per_wave * PER_USER))
    samples: list[float] = []
    replies: dict[int, asyncio.Queue[None]] = {}
    asked = lost = 0
    async with BotApiStandin() as standin:
        bot = await start_bot_process(standin, config, cwd=folder, log=folder / "bot.log")
        seen = 0

        async def watch(done: asyncio.Event) -> None:
            # One reader of the stand-in's request log wakes the user whose reply arrived.
            nonlocal seen
            while not done.is_set():
                log = standin._requests  # read in place: the list only grows
                for request in log[seen:]:
                    if request.method == "sendMessage" and request.ok:
                        queue = replies.get(int(request.params["chat_id"]))
                        if queue is not None:
                            queue.put_nowait(None)
                seen = len(log)
                await asyncio.sleep(0.005)

        async def ask(user: int) -> None:
            nonlocal asked, lost
            replies[user] = asyncio.Queue()
            for _ in range(PER_USER):
                await standin.send_text(question(rng), chat_id=user, user_id=user)
                asked += 1
                try:
                    await asyncio.wait_for(replies[user].get(), 60)
                except TimeoutError:
                    lost += 1
            del replies[user]

        done = asyncio.Event()
        watcher = asyncio.create_task(watch(done))
        try:
            await standin.send_text("What did Lavorv say?", chat_id=1, user_id=1)
            await standin.wait_for("sendMessage", timeout=60)
            samples.append(rss_mb(bot.pid))
            started = time.perf_counter()
            for wave in range(waves):
                first = 100_000 + wave * per_wave
                await asyncio.gather(*(ask(user) for user in range(first, first + per_wave)))
                if (wave + 1) % (waves // SAMPLES) == 0 and len(samples) <= SAMPLES:
                    samples.append(rss_mb(bot.pid))
            seconds = time.perf_counter() - started
        finally:
            done.set()
            await watcher
            bot.send_signal(signal.SIGINT)
            await asyncio.wait_for(bot.wait(), 60)
    return LongRunResult(asked, seconds, tuple(samples), lost, folder / "bot.log")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--questions", type=int, default=20_000)
    args = parser.parse_args()
    result = asyncio.run(run_long(args.questions))
    print(result.table())
    print(f"bot log: {result.log}")


if __name__ == "__main__":
    main()
