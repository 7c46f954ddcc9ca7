"""Find the source files: every supported file under the configured folders, in path order.

A file that cannot be used is skipped with a warning naming it, or is an error, as the
SourcePolicy (`sources.on_error`) says. Finding the files is where
hostile folders are met: links to folders are not followed (they may loop), links to files
outside the folder are not read, nor pipes and devices, names that are not UTF-8, or files
over `sources.max_file_mb`, all before a byte of them is read.

A file is opened to be checked (without blocking, so a pipe cannot hang the build): what
was opened must be a regular file inside the folder (its real path, from /proc where there
is one), whatever links lead to it. Its identity (device, inode) goes with it, and the
reader opens it once more and checks it is still that file (formats/raw.py), so a folder
writer who swaps a checked file or link for a link to `.env` gets it skipped, not read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import SourceError
from retrieval.ingest.formats.raw import OPEN_FLAGS, Identity
from retrieval.ingest.policy import SourcePolicy
from retrieval.settings import SourceSettings


@dataclass(frozen=True)
class SourceFile:
    """One file to read, the name its sources are cited by, the lines it shares with the
    other page copies of its folder (folders.py), and the file it was when found."""

    name: str
    path: Path
    repeats: frozenset[str] = frozenset()
    identity: Identity | None = None

    @property
    def repeats_digest(self) -> str:
        """Return a short fingerprint of the shared lines (a saved index compares it)."""
        return hashlib.sha256("\n".join(sorted(self.repeats)).encode()).hexdigest()[:16]


def find_source_files(
    settings: SourceSettings, policy: SourcePolicy, paths: Sequence[Path] | None = None
) -> list[SourceFile]:
    """Return the files to read: given files, and supported files under the given folders.

    Without paths, the configured folders. Folders are walked without following links to
    folders; a link to a file outside its folder, anything but a regular file, a file name
    that is not UTF-8 and a file over sources.max_file_mb are skipped with a warning naming
    them (a SourceError when sources.on_error is "error"), before anything is read.
    """
    wanted = {e.lower() for e in settings.extensions}
    found: list[SourceFile] = []
    skipped = len(policy.warnings)
    for path in paths or settings.folders:
        if path.is_dir():
            found += _walk(path, wanted, settings, policy)
        elif path.is_file() or path.is_symlink():
            if (identity := _usable(path, path.name, None, settings, policy)) is not None:
                found.append(SourceFile(path.name, path, identity=identity))
        elif paths:
            raise SourceError(f"{path} does not exist: give source files or folders")
        else:
            raise SourceError(
                f"source folder {path} does not exist: create it and put articles in it, "
                "or set sources.folders in the config"
            )
    if not found and len(policy.warnings) > skipped:
        raise policy.nothing_usable()
    if not found:
        where = ", ".join(str(f) for f in paths or settings.folders)
        kinds = "/".join(sorted(wanted))
        raise SourceError(f"no {kinds} files in {where}: add articles there and try again")
    return found


def _walk(
    folder: Path, wanted: set[str], settings: SourceSettings, policy: SourcePolicy
) -> list[SourceFile]:
    """Return the supported files under folder, in path order, links to folders not followed."""
    root = folder.resolve()

    def unreadable(exc: OSError) -> None:
        policy.skip(f"cannot read folder {exc.filename}: {exc.strerror}")

    found: list[SourceFile] = []
    for here, dirs, files in os.walk(folder, onerror=unreadable):
        dirs.sort()  # walk, warn and fail in path order, whatever the file system's order
        for name in dirs:
            if os.path.islink(os.path.join(here, name)):
                # A link to a folder may loop (to a parent) or lead out of the folder.
                link = Path(here, name)
                policy.skip(
                    f"{_shown(link)} is a link to a folder, which sourcebot does not follow: "
                    "move or copy the files themselves into the source folder"
                )
        for name in sorted(files):
            path = Path(here, name)
            if path.suffix.lower() not in wanted:
                continue
            relative = path.relative_to(folder).as_posix()
            if (identity := _usable(path, relative, root, settings, policy)) is not None:
                found.append(SourceFile(relative, path, identity=identity))
    return sorted(found, key=lambda f: f.path)


def _usable(
    path: Path, name: str, root: Path | None, settings: SourceSettings, policy: SourcePolicy
) -> Identity | None:
    """Return the identity of a found file that may be read; None (after a warning naming
    it, or a SourceError) when it may not."""
    if _shown(name) != name:
        # Not UTF-8 on disk: the name could be neither cited nor saved.
        return _skip(policy, f"{_shown(path)}: the file name is not UTF-8; rename it")
    outside = (
        f"{_shown(path)} is a link to a file outside the source folder {root}: not read; "
        "copy the file into the folder if it is meant to be a source"
    )
    if root is not None and path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python < 3.13)
            return _skip(
                policy,
                f"{_shown(path)} is a link to a missing file or a loop of links: remove or fix it",
            )
        if not target.is_relative_to(root):
            return _skip(policy, outside)
    try:
        info = path.stat()
    except OSError as exc:
        return _skip(policy, f"cannot read {_shown(path)}: {exc.strerror or exc}")
    if not stat.S_ISREG(info.st_mode):
        return _skip(
            policy, f"{_shown(path)} is not a regular file (a pipe, socket or device): remove it"
        )
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        return _skip(policy, f"cannot read {_shown(path)}: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)  # what was opened, whatever changed since the checks above
        if not stat.S_ISREG(info.st_mode):
            return _skip(
                policy,
                f"{_shown(path)} is not a regular file (a pipe, socket or device): remove it",
            )
        if root is not None and not _real_path(fd, path).is_relative_to(root):
            return _skip(policy, outside)
    finally:
        os.close(fd)
    limit = settings.max_file_mb << 20
    if info.st_size > limit and path.suffix.lower() != ".jsonl":  # .jsonl: limit per line
        return _skip(
            policy,
            f"{_shown(path)} is {info.st_size / (1 << 20):,.0f} MB, over sources.max_file_mb "
            f"({settings.max_file_mb} MB): split it into smaller files, or raise the limit",
        )
    return (info.st_dev, info.st_ino)


def _skip(policy: SourcePolicy, problem: str) -> Identity | None:
    """Skip (or raise, when strict) a found file that may not be read; return None."""
    policy.skip(problem)
    return None


def _real_path(fd: int, path: Path) -> Path:
    """Return where an open file really is: /proc's link for it, or else path resolved."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # no /proc (macOS, BSD): resolving the path is the best there is
        return path.resolve()


def _shown(path: Path | str) -> str:
    """Return a path as text that can be printed and saved (undecodable bytes as U+FFFD)."""
    return os.fsencode(path).decode("utf-8", "replace")
