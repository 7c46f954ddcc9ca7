"""What a benchmarked system holds in memory: its peak, its processes' together, and now.

A system that builds on worker processes (sourcebot) holds memory in several processes at
once. `TreeSampler` adds up the resident set of this process and every process under it
every SAMPLE_SECONDS while the system runs, and keeps the largest sum: the memory the
machine had to give them together. Memory grows and shrinks over seconds in a build (a
chunk of text, a table), so a tenth of a second misses little; the process's own peak
(VmHWM, exact) is taken too, and the larger of the two is the peak reported.
"""

from __future__ import annotations

import contextlib
import re
import resource
import threading
from pathlib import Path
from types import TracebackType

SAMPLE_SECONDS = 0.1
_RSS = re.compile(r"^VmRSS:\s+(\d+) kB", re.MULTILINE)
_HWM = re.compile(r"^VmHWM:\s+(\d+) kB", re.MULTILINE)


def _status_kb(pid: int | str, pattern: re.Pattern[str]) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = pattern.search(status)
    return int(match.group(1)) if match else None


def peak_rss_bytes() -> int:
    """Return this process's peak resident set size (VmHWM), in bytes."""
    kb = _status_kb("self", _HWM)
    if kb is None:  # not Linux: ru_maxrss is kB on Linux, bytes on macOS; assume kB
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return kb * 1024


def rss_bytes() -> int:
    """Return this process's resident set size now (VmRSS), in bytes; 0 when unknown."""
    kb = _status_kb("self", _RSS)
    return kb * 1024 if kb is not None else 0


def _children(pid: int) -> list[int]:
    """Return the processes pid started (any of its threads), from /proc."""
    found: list[int] = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


def tree_rss_bytes(pid: int) -> int:
    """Return the resident set of process pid and every process under it, added up."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += (_status_kb(current, _RSS) or 0) * 1024
        todo += _children(current)
    return total


class TreeSampler:
    """While in its `with` block, samples this process tree's resident set (see module)."""

    def __init__(self, pid: int, seconds: float = SAMPLE_SECONDS) -> None:
        self.pid = pid
        self.seconds = seconds
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            if self._stop.wait(self.seconds):
                return

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()


def release_freed_memory() -> None:
    """Hand memory freed by a build back to the system (glibc keeps it otherwise), so the
    RSS measured after the questions is what serving holds."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc
        ctypes.CDLL("libc.so.6").malloc_trim(0)
