"""The installed sourcebot's version, and `--version`, which prints it."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def version() -> str:
    """Return the installed sourcebot's version (pyproject.toml's)."""
    from importlib import metadata  # a tenth of a second: only when the version is asked for

    try:
        return metadata.version("sourcebot")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


class VersionAction(argparse.Action):
    """`--version`: print the version and exit, looking it up only then."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        sys.stdout.write(f"sourcebot {version()}\n")
        parser.exit()
