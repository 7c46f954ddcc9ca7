"""Shared fixtures: the project's real settings and library, and tiny corpora on disk; and
the markers that let a fast loop leave the slow kinds out.

Every fixture returns a real object (no mocks), in the spirit of sqlite-utils' `fresh_db`.
Paths are taken from the repository root, so the suite runs from any working directory.

The tests are split by kind, and each kind's folder marks its tests: `unit` (pure functions
and the library in process), `e2e` (the real bot against the Bot API stand-in, or the
command in a subprocess), `hostile` (inputs nobody should send, fuzzed), `evaluation` (quality
thresholds on the seed questions and the dev sets). `pytest -m "not e2e"` is the fast loop;
tests marked `longrun` (minutes each) run only with `--longrun` (`make longrun`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings, load_settings
from retrieval.answer.library import Library
from retrieval.settings import RetrievalSettings
from tests.support.paths import REPO_ROOT

# files: name -> text (written as UTF-8) or bytes (written as is); keyword arguments replace
# fields of SourceSettings (on_error, max_passage_chars, metadata, ...).
TinyCorpus = Callable[..., RetrievalSettings]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """Return the repository root (the folder holding config/ and seeds/)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def settings(repo_root: Path) -> Settings:
    """Return the project's own settings, loaded from config/bot.yaml."""
    return load_settings(repo_root / "config" / "bot.yaml")


@pytest.fixture(scope="session")
def library(settings: Settings) -> Library:
    """Return the library over the seed articles, built once for the whole session."""
    return Library.load(settings.retrieval)


@pytest.fixture
def tiny_corpus(tmp_path: Path, settings: Settings) -> TinyCorpus:
    """Return a factory that writes files into a fresh folder and returns settings for it."""
    counter = itertools.count(1)

    def make(files: Mapping[str, str | bytes], **sources: Any) -> RetrievalSettings:
        folder = tmp_path / f"corpus{next(counter)}"
        folder.mkdir()
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        source_settings = dataclasses.replace(
            settings.retrieval.sources,
            folders=(folder,),
            metadata=sources.pop("metadata", {}),
            **sources,
        )
        return dataclasses.replace(settings.retrieval, sources=source_settings)

    return make


KINDS = ("unit", "e2e", "hostile", "evaluation")


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add --longrun, which runs the tests marked `longrun` (minutes each: `make longrun`)."""
    parser.addoption("--longrun", action="store_true", help="run the long-run tests too")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test with its kind, the name of the folder it is in under tests/; skip the
    long-run tests unless --longrun is given."""
    tests = REPO_ROOT / "tests"
    long_runs = config.getoption("--longrun")
    skip = pytest.mark.skip(reason="a long run: `make longrun` (pytest --longrun) runs it")
    for item in items:
        kind = item.path.relative_to(tests).parts[0]
        if kind in KINDS:
            item.add_marker(getattr(pytest.mark, kind))
        if "longrun" in item.keywords and not long_runs:
            item.add_marker(skip)
