"""Where the shared dev sets are: `shared/data` beside the repository (as CI lays it out),
or beside the folder holding it (a work tree under `wt/`)."""

from __future__ import annotations

from pathlib import Path

_REPO = Path(__file__).resolve().parents[1]


def shared_data(name: str) -> Path:
    """Return shared/data/<name> from the first place that has it (the first place if none)."""
    places = [root / "shared" / "data" / name for root in (_REPO.parent, _REPO.parent.parent)]
    return next((p for p in places if p.exists()), places[0])
