"""What happens to a source that cannot be used: the one skip-or-raise decision, and the one
channel its warnings travel by.

`sources.on_error` is "skip" (warn, naming the file, and go on) or "error" (stop with a
SourceError). Every reader and every build, serial or in worker processes, asks one
`SourcePolicy`; its `warnings` are the build's warnings, in the order they arose. A policy
that echoes (the main process's) also logs each warning once as it is recorded; a worker's
policy only collects, and the main policy absorbs (and logs) what the worker sends back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from retrieval.errors import SourceError
from retrieval.settings import OnError

log = logging.getLogger("retrieval.ingest")


class SourcePolicy:
    """Skip or raise on bad source files, parts of files and documents; collect the warnings."""

    def __init__(self, on_error: OnError = "skip", *, echo: bool = True) -> None:
        self.on_error = on_error
        self.echo = echo
        self.warnings: list[str] = []

    @property
    def strict(self) -> bool:
        """Say whether a bad source stops the build (on_error: error)."""
        return self.on_error == "error"

    def warn(self, message: str) -> None:
        """Record a warning (and log it, in the process that echoes)."""
        self.warnings.append(message)
        if self.echo:
            log.warning("%s", message)

    def skip(self, problem: str) -> bool:
        """Raise the problem (on_error: error) or warn that the file is skipped; return False."""
        if self.strict:
            raise SourceError(problem)
        self.warn(f"skipped {problem}")
        return False

    def skip_part(self, problem: str, part: str, *, fix: str = "") -> None:
        """Raise, or warn that one part of a file (a line, a page) is skipped and go on."""
        if self.strict:
            raise SourceError(f"{problem}{fix}")
        self.warn(f"{problem}; {part} skipped")

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Skip what raises a SourceError inside the block, or let it through when strict."""
        try:
            yield
        except SourceError as exc:
            self.skip(str(exc))

    def absorb(self, warnings: Iterable[str]) -> None:
        """Take over warnings recorded elsewhere (a worker process), in their order."""
        for message in warnings:
            self.warn(message)

    def nothing_usable(self, shown: int = 5) -> SourceError:
        """Return the error for a build that read nothing: why, for the first few files."""
        warnings = self.warnings
        more = f"; and {len(warnings) - shown} more" if len(warnings) > shown else ""
        return SourceError("no usable sources: " + "; ".join(warnings[:shown]) + more)
