"""A copy of the project's config for a test process with a few settings changed, and
settings with a few fields of some sections replaced."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.config import Settings
from tests.support.paths import REPO_ROOT

ROOT = REPO_ROOT


def write_config(folder: Path, sources: Path, replacements: dict[str, str] | None = None) -> Path:
    """Write folder/bot.yaml: the project's config reading `sources`, lines replaced."""
    text = (ROOT / "config" / "bot.yaml").read_text(encoding="utf-8")
    changes = {
        "folders: [seeds]": f"folders: [{sources}]",
        "metadata: config/sources.yaml": f"metadata: {ROOT / 'config' / 'sources.yaml'}",
        **(replacements or {}),
    }
    for old, new in changes.items():
        if old not in text:
            raise ValueError(f"config/bot.yaml has no line {old!r} to replace")
        text = text.replace(old, new)
    path = folder / "bot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def with_sections(settings: Settings, **sections: dict[str, Any]) -> Settings:
    """Return settings with fields of some sections replaced: with_sections(s, limits={...})."""
    changed = {
        name: replace(getattr(settings, name), **values) for name, values in sections.items()
    }
    return replace(settings, **changed)
