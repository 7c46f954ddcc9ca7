"""Settings constraints live on the fields, and the loader enforces every one of them."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import ConfigError, Settings, load_settings
from retrieval import CONSTRAINT, Constraint, RetrievalSettings
from tests.support.paths import REPO_ROOT


def constrained() -> list[tuple[str, str, Constraint]]:
    """Return (section, key, constraint) for every field of the config that has a range."""
    sections: dict[str, Any] = {
        **typing.get_type_hints(RetrievalSettings),
        **{
            k: v
            for k, v in typing.get_type_hints(Settings).items()
            if k not in ("retrieval", "path", "metadata_path")
        },
    }
    found = []
    for section, cls in sections.items():
        for spec in dataclasses.fields(cls):
            constraint = spec.metadata.get(CONSTRAINT)
            if constraint is not None and (
                constraint.low is not None or constraint.high is not None
            ):
                found.append((section, spec.name, constraint))
    return found


def write(tmp_path: Path, section: str, key: str, value: Any) -> Path:
    config = {
        "sources": {
            "folders": [str(REPO_ROOT / "seeds")],
            "metadata": str(REPO_ROOT / "config" / "sources.yaml"),
        }
    }
    config.setdefault(section, {})[key] = value
    path = tmp_path / "bot.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def test_the_ranges_are_found() -> None:
    keys = {f"{s}.{k}" for s, k, _ in constrained()}
    assert {
        "index.b",
        "answers.top_k",
        "sources.max_passage_chars",
        "limits.questions_per_minute",
    } <= keys


@pytest.mark.parametrize(("section", "key", "constraint"), constrained())
def test_out_of_range_is_refused_naming_file_and_key(
    tmp_path: Path, section: str, key: str, constraint: Constraint
) -> None:
    low, high = constraint.low, constraint.high
    bad = (low - 1) if low is not None else (high or 0) + 1
    path = write(tmp_path, section, key, bad)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == f"{path}: {section}.{key} must be {constraint.describe()}"


@pytest.mark.parametrize(("section", "key", "constraint"), constrained())
def test_the_bounds_themselves_are_accepted(
    tmp_path: Path, section: str, key: str, constraint: Constraint
) -> None:
    for bound in (constraint.low, constraint.high):
        if bound is not None:
            load_settings(write(tmp_path, section, key, bound))


def test_describe() -> None:
    assert Constraint(0, 1).describe() == "between 0 and 1"
    assert Constraint(0).describe() == "0 or more"
    assert Constraint(100).describe() == "at least 100"
    assert Constraint(None, 5).describe() == "at most 5"
    assert Constraint(0.5, 2.5).describe() == "between 0.5 and 2.5"


@pytest.mark.parametrize(
    ("webhook", "problem"),
    [
        ({"port": 0}, "telegram.webhook.port must be between 1 and 65535"),
        ({"url": "http://bot.example.org/hook"}, "telegram.webhook.url must be an https://"),
        ({"secret_token": "not allowed!"}, "telegram.webhook.secret_token must be 1 to 256"),
        ({"path": "/hook"}, "telegram.webhook: unknown key 'path' (valid keys: url, listen,"),
        ("on", "telegram.webhook must be a mapping"),
    ],
)
def test_the_webhook_section_is_checked_like_any_other(
    tmp_path: Path, webhook: Any, problem: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(problem)):
        load_settings(write(tmp_path, "telegram", "webhook", webhook))


def test_uploads_and_the_webhook_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "access", "uploaders", [11, 12])
    text = path.read_text(encoding="utf-8") + (
        "telegram:\n  webhook:\n    url: https://bot.example.org/hook\n    port: 8080\n"
        "limits:\n  upload_max_mb: 5\n"
    )
    path.write_text(text, encoding="utf-8")
    settings = load_settings(path)
    assert settings.access.uploaders == (11, 12) and settings.limits.upload_max_mb == 5
    hook = settings.telegram.webhook
    assert (hook.url, hook.listen, hook.port) == ("https://bot.example.org/hook", "127.0.0.1", 8080)
    assert settings.metadata_path == REPO_ROOT / "config" / "sources.yaml"
