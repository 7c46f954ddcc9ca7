"""wordfreq's table of a language kept in the user's cache folder, in a form that loads fast.

wordfreq reads a language's list from a compressed MessagePack file and builds a dict of
its words: about 0.55 s for English on this machine, paid by the first question after
every start. The same dict written with `marshal` loads in 0.14 s. The copy is named after
the list file's size and time stamp, so a new wordfreq release makes a new copy; it is
written to a temporary file and renamed into place, so a copy is whole or absent; one that
cannot be read (or a folder that cannot be written) means the list is read as before.
The folder is $SOURCEBOT_CACHE, else $XDG_CACHE_HOME/sourcebot, else ~/.cache/sourcebot.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


@functools.cache
def wordlist_files(kind: str) -> dict[str, Path]:
    """Return wordfreq's list files of one kind ("small", "large"; "best": large where
    there is one) by language, found as wordfreq finds them but without importing it (a
    tenth of a second or more at every start)."""
    if kind == "best":
        return wordlist_files("small") | wordlist_files("large")
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return {}
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    found: dict[str, Path] = {}
    try:
        names = sorted(os.listdir(data))  # not Path.glob: its pattern's regex costs 50 ms
    except OSError:
        return {}
    for name in names:
        if name.startswith(f"{kind}_") and name.endswith(".msgpack.gz"):
            found[name.split(".")[0].partition("_")[2]] = data / name
    return found


def cache_folder() -> Path:
    """Return the folder the copies go to (not created here)."""
    own = os.environ.get("SOURCEBOT_CACHE")
    if own:
        return Path(own)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sourcebot"


def cached_table(
    code: str, source: Path, build: Callable[[], dict[str, float]]
) -> dict[str, float]:
    """Return the table of the language `code` whose list is the file `source`: the cached
    copy when there is a good one, else build() (then cached for the next start)."""
    try:
        stat = source.stat()
    except OSError:
        return build()
    path = cache_folder() / f"wordfreq-{code}-{stat.st_size}-{stat.st_mtime_ns}.marshal"
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        table = marshal.loads(path.read_bytes())
        if isinstance(table, dict) and table:
            return table
    table = build()
    with contextlib.suppress(OSError, ValueError):
        _write(path, marshal.dumps(table))
    return table


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".wordfreq-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
