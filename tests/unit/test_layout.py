"""The layout stays readable: every module says what it owns, none grows past 450 lines, and
the README's Development tree names every module (as sqlite-utils checks its docs)."""

from __future__ import annotations

import ast
import re

import pytest

from tests.support.paths import REPO_ROOT

MAX_LINES = 450
MODULES = sorted(
    p.relative_to(REPO_ROOT)
    for package in ("retrieval", "bot")
    for p in (REPO_ROOT / package).rglob("*.py")
)


@pytest.mark.parametrize("module", MODULES, ids=str)
def test_module_has_a_docstring_and_stays_small(module: object) -> None:
    path = REPO_ROOT / str(module)
    text = path.read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(text)), f"{module} says nothing of what it owns"
    assert text.count("\n") <= MAX_LINES, f"{module} is over {MAX_LINES} lines: split it"


def test_readme_tree_names_every_module() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## Development", 1)[1].split("```")[1]
    named = set(re.findall(r"\b([a-z_]+\.py)\b", tree))
    missing = sorted(str(m) for m in MODULES if m.name not in named)
    assert not missing, f"README's Development tree does not list {missing}"
