"""Where the tests find the project and the shared dev sets, from any working directory."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def shared_data(name: str) -> Path:
    """Return shared/data/<name> beside the repository (as CI lays it out), or beside the
    folder holding it (a work tree under wt/); the first place when neither has it, and the
    tests that need it skip there (a fresh clone has none)."""
    places = [
        root / "shared" / "data" / name for root in (REPO_ROOT.parent, REPO_ROOT.parent.parent)
    ]
    return next((p for p in places if p.exists()), places[0])


SHARED_DATA = shared_data("")
MSMARCO_5K = shared_data("msmarco-5k")
