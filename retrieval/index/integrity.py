"""Checking a saved index's files: each file's size and CRC-32, recorded in the manifest when
a version is written, verified when it is loaded: the sizes before anything is
memory-mapped, the checksums while the rest loads (the index is not used before they pass).
A load whose checksums passed notes how each file stood (inode, size, modification and
change times: `verified.json` beside the versions); a later load of files that stand just
so skips the checksums, which at a million passages means reading a gigabyte from disk.
Any write or chmod moves a file's change time, which nobody can set back; files changed less
than TRUST_AFTER seconds before a check are not noted, so a change within the clock's tick
of the check cannot hide behind an equal time.

A file cut short would kill a process that maps it with SIGBUS on the first read past its
new end; a file copied over from another index would give wrong answers without a word.
Both are caught at load with an IndexLoadError naming the file. Written files are made
read-only, so a stray `cp` or `truncate` onto a live index fails instead of changing it in
place (except as root). CRC-32 is a check against damage and mix-ups, not against someone
who can write the folder (they could rewrite the manifest too); zlib computes it at over a
gigabyte a second, on two threads.
"""

from __future__ import annotations

import json
import mmap
import os
import stat
import time
import zlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from retrieval.errors import IndexLoadError

VERIFIED = "verified.json"
TRUST_AFTER = 2.0

CHUNK = 16 << 20
_LET_GO = getattr(mmap, "MADV_DONTNEED", None)  # Linux, macOS
THREADS = 2
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def checksum(path: Path) -> dict[str, Any]:
    """Return a file's size and CRC-32, as the manifest records them."""
    crc = 0
    with path.open("rb", buffering=0) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size:
            # Mapped, not read: no copy into a buffer (a quarter faster at 1M passages).
            # Each chunk is let go once hashed, so the pages stay in the page cache but do
            # not count in this process's resident memory (the whole index would).
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                size = len(mapped)
                view = memoryview(mapped)
                try:
                    for lo in range(0, size, CHUNK):
                        crc = zlib.crc32(view[lo : lo + CHUNK], crc)
                        if _LET_GO is not None:
                            mapped.madvise(_LET_GO, lo, min(CHUNK, size - lo))
                finally:
                    view.release()
    return {"size": size, "crc32": f"{crc:08x}"}


def seal(version: Path, names: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Return the checksums of the named files of a version, and make them read-only."""
    ordered = sorted(names)
    with ThreadPoolExecutor(THREADS, thread_name_prefix="checksum") as pool:
        sums = dict(zip(ordered, pool.map(lambda n: checksum(version / n), ordered), strict=True))
    for name in ordered:
        os.chmod(version / name, READ_ONLY)
    return sums


def check_sizes(version: Path, sums: object) -> dict[str, dict[str, Any]]:
    """Raise IndexLoadError naming the first file that is missing, cut short or grown (a
    stat each, so a truncated file is found before a byte is mapped); return the sums."""
    if not isinstance(sums, dict) or not sums:
        raise IndexLoadError(f"the index in {version.parent} records no checksums of its files")
    for name, expected in sorted(sums.items()):
        path = version / name
        if Path(name).name != name or not isinstance(expected, dict):
            raise IndexLoadError(f"the index in {version.parent} has a damaged manifest")
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise _damaged(version, name, f"cannot be read: {exc.strerror or exc}") from exc
        if size != expected.get("size"):
            raise _damaged(
                version,
                name,
                f"is {size:,} bytes, not {expected.get('size')}: cut short or replaced",
            )
    return sums


def check_contents(version: Path, sums: dict[str, dict[str, Any]]) -> None:
    """Raise IndexLoadError naming the first file whose checksum is not the recorded one."""
    names = sorted(sums)
    with ThreadPoolExecutor(THREADS, thread_name_prefix="checksum") as pool:
        found = dict(zip(names, pool.map(lambda n: checksum(version / n), names), strict=True))
    for name in names:
        if found[name]["crc32"] != sums[name].get("crc32"):
            raise _damaged(version, name, "has other contents than were written (overwritten?)")


def _damaged(version: Path, name: str, problem: str) -> IndexLoadError:
    return IndexLoadError(
        f"the index in {version.parent} is damaged: {version.name}/{name} {problem}; "
        "run `sourcebot index` to rebuild it"
    )


def _stamps(version: Path, names: Iterable[str]) -> dict[str, list[int]] | None:
    """Return how each named file stands (inode, size, modification and change times),
    None when one cannot be read."""
    out: dict[str, list[int]] = {}
    for name in sorted(names):
        try:
            st = (version / name).stat()
        except OSError:
            return None
        out[name] = [st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]
    return out


def read_note(path: Path) -> Any:
    """Return the JSON of a note kept beside the versions (None: absent or unreadable)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_note(path: Path, data: Any) -> None:
    """Write a note beside the versions whole (a temporary file renamed into place), or not
    at all: a folder that cannot be written only means the note is not kept."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def checked_before(version: Path, names: Iterable[str]) -> bool:
    """Say whether the named files of a version stand as when their checksums last passed."""
    noted = read_note(version.parent / VERIFIED)
    now = _stamps(version, names)
    return (
        isinstance(noted, dict)
        and noted.get("version") == version.name
        and (now is not None and noted.get("files") == now)
    )


def note_checked(version: Path, names: Iterable[str]) -> None:
    """Note how the named files stand, their checksums having just passed (nothing when
    one changed within TRUST_AFTER seconds, or the folder cannot be written)."""
    stamps = _stamps(version, names)
    if stamps is None or any(s[3] > (time.time() - TRUST_AFTER) * 1e9 for s in stamps.values()):
        return
    # In a folder that cannot be written, every load checks the files.
    write_note(version.parent / VERIFIED, {"version": version.name, "files": stamps})
