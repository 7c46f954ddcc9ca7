"""Where the tests find the project and the shared dev sets, from any working directory."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The shared dev sets sit beside a checkout (../shared/data); a fresh clone has none, and the
# tests that need them skip there.
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
MSMARCO_5K = SHARED_DATA / "msmarco-5k"
