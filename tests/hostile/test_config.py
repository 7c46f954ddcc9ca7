"""Hostile configs: whatever the config file holds, `sourcebot` says what is wrong in one line.

This module owns the contract of `sourcebot sources --config PATH` (bot.cli.main, run in
process) on configs nobody should write: malformed YAML (tabs, unclosed quotes and
brackets, binary garbage, control characters), a YAML bomb of nested aliases, nesting past
the recursion limit, a value of the wrong type for every key of every section of the real
config/bot.yaml, unknown keys and sections, an empty file, a directory, a device, a config
outside the project. Every case exits 2 with exactly one line on stderr naming the file and
(where there is one) the key, and no traceback.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
import sys
import textwrap
import typing
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.config import (
    AccessSettings,
    ConversationSettings,
    LimitSettings,
    PrivacySettings,
    TelegramSettings,
)
from retrieval.settings import (
    AnswerSettings,
    CleaningRules,
    IndexSettings,
    SourceSettings,
    SummarySettings,
)
from tests.support.paths import REPO_ROOT

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    # capsys and tmp_path are reused by every example: each run reads and resets them.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SECTION_TYPES: dict[str, type[Any]] = {
    "sources": SourceSettings,
    "cleaning": CleaningRules,
    "tokenizer": IndexSettings,
    "index": IndexSettings,
    "answers": AnswerSettings,
    "summaries": SummarySettings,
    "telegram": TelegramSettings,
    "access": AccessSettings,
    "limits": LimitSettings,
    "privacy": PrivacySettings,
    "conversation": ConversationSettings,
}
REAL: dict[str, dict[Any, Any]] = yaml.safe_load(
    (REPO_ROOT / "config" / "bot.yaml").read_text(encoding="utf-8")
)
# The real config, reading the real seeds from anywhere: only the key under test is wrong.
BASE = copy.deepcopy(REAL)
BASE["sources"]["folders"] = [str(REPO_ROOT / "seeds")]
BASE["sources"]["metadata"] = str(REPO_ROOT / "config" / "sources.yaml")
KEYS = [(section, key) for section, values in REAL.items() for key in values]
TOKENIZER_KEYS = [(s, k) for s, k in KEYS if s == "tokenizer"]


def key_type(section: str, key: str) -> Any:
    """Return the type the config accepts for section.key, from the settings dataclasses."""
    if (section, key) == ("sources", "metadata"):
        return Path  # a path to sources.yaml; the dataclass holds what it loads
    return typing.get_type_hints(SECTION_TYPES[section])[key]


def accepts(tp: Any, value: Any) -> bool:
    """Say whether value has the type tp asks for (ranges aside): the complement is fuzzed."""
    origin = get_origin(tp)
    args = get_args(tp)
    if type(None) in args:
        return value is None or any(accepts(a, value) for a in args if a is not type(None))
    if origin is Literal:
        return value in args
    if origin is tuple:
        return isinstance(value, list) and all(accepts(args[0], v) for v in value)
    if origin is re.Pattern:
        try:
            re.compile(value)
        except (re.error, TypeError):
            return False
        return True
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if tp in (str, Path):
        return isinstance(value, str) and bool(value.strip())
    if dataclasses.is_dataclass(tp):  # a nested section (telegram.webhook): any mapping
        return isinstance(value, dict)
    raise AssertionError(f"no rule for {tp}")


yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["", "  ", "[unclosed(", "(?P<x>", "*", "\t", "null", "1e999"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=6,
)


def wrong_value(section: str, key: str) -> st.SearchStrategy[Any]:
    tp = key_type(section, key)
    return yaml_values.filter(lambda value: not accepts(tp, value))


def run(capsys: pytest.CaptureFixture[str], config: Path | str) -> tuple[int, str]:
    """Run `sourcebot sources --config config`; return the exit code and stderr."""
    code = main(["sources", "--config", str(config)])
    return code, capsys.readouterr().err


def assert_one_line(code: int, err: str, *names: str) -> str:
    """Fail unless the command failed with exactly one error line naming every name."""
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and err.endswith("\n"), err
    assert lines[0].startswith("sourcebot: error: "), lines[0]
    for name in names:
        assert name in lines[0], (name, lines[0])
    return lines[0]


def write_config(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=False), encoding="utf-8")
    return path


def test_the_base_config_is_valid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Every case below changes one thing in this config, which works as it is.
    code = main(["sources", "--config", str(write_config(tmp_path / "bot.yaml", BASE))])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "000_db2147d2a0a50ea2.txt" in captured.out


# --- Wrong types, unknown keys ----------------------------------------------------------------


@settings(FUZZ, max_examples=250)  # about six wrong values for each of the 41 keys
@given(
    case=st.sampled_from([k for k in KEYS if k not in TOKENIZER_KEYS]).flatmap(
        lambda k: wrong_value(*k).map(lambda value: (*k, value))
    )
)
@example(case=("sources", "folders", "seeds"))
@example(case=("sources", "on_error", "ignore"))
@example(case=("cleaning", "drop_lines", ["(unclosed"]))
@example(case=("answers", "top_k", "3"))
@example(case=("index", "k1", True))
@example(case=("access", "allowed_users", ["@someone"]))
@example(case=("privacy", "feedback_file", ""))
def test_a_value_of_the_wrong_type_is_one_line_naming_the_file_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: tuple[str, str, Any]
) -> None:
    section, key, value = case
    data = copy.deepcopy(BASE)
    data[section][key] = value
    config = write_config(tmp_path / "bot.yaml", data)
    assert_one_line(*run(capsys, config), str(config), f"{section}.{key}")


@pytest.mark.parametrize(("section", "key"), TOKENIZER_KEYS)
def test_a_wrong_tokenizer_value_names_the_tokenizer_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, section: str, key: str
) -> None:
    data = copy.deepcopy(BASE)
    data[section][key] = 5  # tokenizer: {stem: 5}
    config = write_config(tmp_path / "bot.yaml", data)
    assert_one_line(*run(capsys, config), str(config), f"{section}.{key}")


@FUZZ
@given(
    section=st.sampled_from(sorted(REAL)),
    key=st.text(min_size=1, max_size=30) | st.integers() | st.none(),
)
def test_an_unknown_key_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, section: str, key: str | int | None
) -> None:
    data = copy.deepcopy(BASE)
    if str(key) in {k for s, k in KEYS if s == section} or key in data[section]:
        return  # a real key, not an unknown one
    data[section][key] = 1
    config = write_config(tmp_path / "bot.yaml", data)
    line = assert_one_line(*run(capsys, config), str(config), section, "unknown key")
    assert repr(str(key)) in line


@FUZZ
@given(section=st.text(min_size=1, max_size=30).filter(lambda s: s not in SECTION_TYPES))
def test_an_unknown_section_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, section: str
) -> None:
    config = write_config(tmp_path / "bot.yaml", {**BASE, section: {"a": 1}})
    line = assert_one_line(*run(capsys, config), str(config), "unknown section")
    assert repr(section) in line


@pytest.mark.parametrize("section", sorted(REAL))
@pytest.mark.parametrize("value", [5, "text", [1, 2], True])
def test_a_section_that_is_not_a_mapping_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, section: str, value: Any
) -> None:
    config = write_config(tmp_path / "bot.yaml", {**BASE, section: value})
    assert_one_line(*run(capsys, config), str(config), section)


# --- Malformed files ---------------------------------------------------------------------------

MALFORMED: dict[str, bytes] = {
    "tab indentation": b"answers:\n\ttop_k: 3\n",
    "unclosed quote": b"answers:\n  top_k: 'three\n",
    "unclosed bracket": b"sources:\n  folders: [seeds\n",
    "unclosed mapping": b"answers: {top_k: 3\n",
    "two documents": b"answers: {}\n---\nindex: {}\n",
    "python tag": b"answers: !!python/object/apply:os.system ['true']\n",
    "bad alias": b"answers: *nowhere\n",
    "control characters": b"answers:\n  top_k: \x00\x07\n",
    "binary garbage": bytes(range(256)) * 8,
    "invalid UTF-8": b"answers:\n  top_k: \xff\xfe\n",
    "UTF-16": "answers:\n  top_k: 3\n".encode("utf-16"),
    "a list": b"- sources\n- answers\n",
    "a scalar": b"root:x:0:0:root:/root:/bin/bash\n",
    "nested 300 deep": b"answers: " + b"[" * 300 + b"]" * 300 + b"\n",
}


@pytest.mark.parametrize("content", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_config_is_one_line_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    config = tmp_path / "bot.yaml"
    config.write_bytes(content)
    assert_one_line(*run(capsys, config), str(config))


@FUZZ
@given(
    content=st.binary(max_size=300)
    | st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))
    | st.lists(
        st.sampled_from(
            [
                "a:",
                " b",
                "\t",
                "- ",
                "[",
                "]",
                "{",
                "}",
                "'",
                '"',
                "&x",
                "*x",
                "\n",
                ": ",
                "sources:",
                "  folders:",
                "!!str",
            ]
        ),
        max_size=40,
    ).map(lambda parts: "".join(parts).encode())
)
def test_any_bytes_as_a_config_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    config = tmp_path / "bot.yaml"
    config.write_bytes(content)
    code, err = run(capsys, config)
    line = assert_one_line(code, err)
    # The config file, or (when it parses and only lacks sources) the folder to create.
    assert str(config) in line or "sources.folders" in line, line


def test_nesting_past_the_recursion_limit_is_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # yaml.safe_load raises RecursionError, not a YAMLError, and _read_yaml only catches
    # the latter: the traceback escapes main() (reported, not fixed here).
    config = tmp_path / "bot.yaml"
    config.write_bytes(b"answers: " + b"[" * 1000 + b"]" * 1000 + b"\n")
    assert_one_line(*run(capsys, config), str(config))


def test_an_empty_config_means_the_defaults(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "bot.yaml"
    config.write_bytes(b"")
    # Valid: every key has a default, and the default folder (seeds/) is not there.
    assert_one_line(*run(capsys, config), str(tmp_path / "seeds"), "sources.folders")


def test_a_directory_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert_one_line(*run(capsys, tmp_path), str(tmp_path), "not a regular file")


def test_a_missing_config_is_one_line_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "nowhere" / ".." / ".." / "bot.yaml"
    assert_one_line(*run(capsys, config), str(config), "not found")


def test_a_config_outside_the_project_reads_its_folders_from_there(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The real config, copied elsewhere: its relative seeds/ is now tmp/elsewhere/seeds.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config = elsewhere / "bot.yaml"
    config.write_text((REPO_ROOT / "config" / "bot.yaml").read_text(encoding="utf-8"))
    assert_one_line(*run(capsys, config), str(elsewhere / "seeds"), "sources.folders")


# --- Configs that must not take the machine down: run in a child with 400 MB and 30 s ---------

BOMB = (
    "["
    + ", ".join(
        ["&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        + [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    )
    + "]"
)  # nine levels of nine aliases: 9^9 = 387,420,489 "lol"s once expanded
CHILD = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (400 << 20, 400 << 20))
    from bot.cli import main
    sys.exit(main(["sources", "--config", sys.argv[1]]))
    """
)


def run_child(config: Path | str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(config)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO_ROOT,
        check=False,
    )
    return done.returncode, done.stderr


def test_a_yaml_bomb_where_no_error_quotes_it_is_one_line(tmp_path: Path) -> None:
    # safe_load shares aliased nodes instead of copying them: parsing is cheap.
    config = tmp_path / "bot.yaml"
    config.write_text(f"lol: {BOMB}\n", encoding="utf-8")
    assert_one_line(*run_child(config), str(config), "unknown section 'lol'")


@pytest.mark.parametrize("where", ["answers:\n  top_k: {bomb}\n", "answers: {bomb}\n"])
def test_a_yaml_bomb_in_a_value_is_one_line(tmp_path: Path, where: str) -> None:
    config = tmp_path / "bot.yaml"
    config.write_text(where.format(bomb=BOMB), encoding="utf-8")
    assert_one_line(*run_child(config), str(config), "answers")


def test_a_device_that_never_ends_is_one_line() -> None:
    assert_one_line(*run_child("/dev/zero"), "/dev/zero")
