"""Load config/bot.yaml and config/sources.yaml into frozen, validated settings.

`yaml.safe_load` once; unknown keys are rejected and every error names the file and the
key, so a user sees one line saying what to fix. Relative paths in the config are taken
from the project folder (the folder holding `config/`). The bot token is never read here.
"""

from __future__ import annotations

import re
import reprlib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml

from retrieval.engines import ENGINES
from retrieval.errors import SourcebotError
from retrieval.formats import SUPPORTED
from retrieval.scoring import SCORINGS
from retrieval.settings import (
    AnswerSettings,
    CleaningRules,
    IndexSettings,
    MetaOverride,
    RetrievalSettings,
    SourceSettings,
    SummarySettings,
)

DEFAULT_CONFIG = Path("config/bot.yaml")


class ConfigError(SourcebotError):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class TelegramSettings:
    """How the bot reaches Telegram (never the token: that comes from the environment)."""

    base_url: str | None = None
    test_environment: bool = False
    messages_per_second: int = 30
    group_messages_per_minute: int = 20
    typing_delay_ms: int = 300


@dataclass(frozen=True)
class AccessSettings:
    """Who may use the bot. Empty allowlists mean everyone; admins may /reload and /stats."""

    allowed_users: tuple[int, ...] = ()
    allowed_chats: tuple[int, ...] = ()
    denied_reply: str | None = "Sorry, this bot is private."
    admins: tuple[int, ...] = ()


@dataclass(frozen=True)
class LimitSettings:
    """How much one user may ask, so that nobody starves the others."""

    questions_per_minute: int = 20


@dataclass(frozen=True)
class PrivacySettings:
    """What the bot keeps: nothing of the questions unless asked to."""

    log_questions: bool = False
    feedback: bool = False
    feedback_file: Path = Path("feedback.sqlite3")


@dataclass(frozen=True)
class Settings:
    """All settings of one sourcebot run."""

    retrieval: RetrievalSettings = field(default_factory=RetrievalSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    access: AccessSettings = field(default_factory=AccessSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    path: Path = DEFAULT_CONFIG


_SHOW = reprlib.Repr()
_SHOW.maxstring = _SHOW.maxother = 60
_SHOW.maxlist = _SHOW.maxdict = 4
_SHOW.maxlevel = 2
MAX_CONFIG_BYTES = 1 << 20


def _show(value: Any) -> str:
    """Return a short repr: a value quoted in an error must stay one short line (a YAML
    alias bomb shares its leaves, and a plain repr would expand all of them)."""
    return _SHOW.repr(value)


def _type_name(tp: Any) -> str:
    names = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}
    if tp in names:
        return names[tp]
    if get_origin(tp) is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    return str(tp)


def _convert(value: Any, tp: Any, where: str) -> Any:
    origin = get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        options = [a for a in get_args(tp) if a is not type(None)]
        if value is None and len(options) < len(get_args(tp)):
            return None
        return _convert(value, options[0], where)
    if origin is Literal:
        if value not in get_args(tp):
            raise ConfigError(f"{where} must be {_type_name(tp)}, not {_show(value)}")
        return value
    if origin is tuple:
        item = get_args(tp)[0]
        if not isinstance(value, list):
            raise ConfigError(f"{where} must be a list, not {_show(value)}")
        return tuple(_convert(v, item, f"{where}[{i}]") for i, v in enumerate(value))
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {_show(value)}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, not {_show(value)}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, not {_show(value)}")
        return float(value)
    if tp is str:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} must be non-empty text, not {_show(value)}")
        return value
    if tp is Path:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"{where} must be a path, not {_show(value)}")
        return Path(value)
    if tp is re.Pattern[str] or origin is re.Pattern:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a regular expression in quotes, not {_show(value)}")
        try:
            return re.compile(value)
        except re.error as exc:
            raise ConfigError(f"{where} is not a valid regular expression: {exc}") from exc
    raise ConfigError(f"{where}: unsupported setting type {tp}")  # pragma: no cover


def _build(cls: type[Any], data: Any, where: str, skip: tuple[str, ...] = ()) -> Any:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a mapping of keys to values, not {_show(data)}")
    hints = typing.get_type_hints(cls)
    known = [f.name for f in fields(cls) if f.name not in skip]
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (valid keys: {', '.join(known)})")
    values = {name: _convert(data[name], hints[name], f"{where}.{name}") for name in data}
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:  # pragma: no cover - fields all have defaults
        raise ConfigError(f"{where}: {exc}") from exc


def _check_positive(settings: RetrievalSettings, file: Path) -> None:
    checks = {
        "sources.max_passage_chars": settings.sources.max_passage_chars >= 100,
        "sources.max_file_mb": settings.sources.max_file_mb >= 1,
        "index.k1": settings.index.k1 >= 0,
        "index.b": 0 <= settings.index.b <= 1,
        "index.title_weight": settings.index.title_weight >= 0,
        "index.section_weight": settings.index.section_weight >= 0,
        "answers.top_k": 1 <= settings.answers.top_k <= 20,
        "answers.max_quote_sentences": 1 <= settings.answers.max_quote_sentences <= 10,
        "answers.min_coverage": 0 <= settings.answers.min_coverage <= 1,
        "answers.name_weight": 1 <= settings.answers.name_weight <= 10,
        "answers.proximity": 0 <= settings.answers.proximity <= 1,
        "answers.proximity_sentences": 1 <= settings.answers.proximity_sentences <= 10,
        "answers.spelling_valid_zipf": 0 <= settings.answers.spelling_valid_zipf <= 8,
        "summaries.sentences": 1 <= settings.summaries.sentences <= 50,
        "summaries.per_source": 1 <= settings.summaries.per_source <= 20,
        "summaries.lead_weight": 0 <= settings.summaries.lead_weight <= 1,
        "summaries.redundancy": 0 <= settings.summaries.redundancy <= 1,
    }
    ranges = {
        "sources.max_passage_chars": "at least 100",
        "sources.max_file_mb": "at least 1",
        "index.k1": "0 or more",
        "index.b": "between 0 and 1",
        "index.title_weight": "0 or more",
        "index.section_weight": "0 or more",
        "answers.top_k": "between 1 and 20",
        "answers.max_quote_sentences": "between 1 and 10",
        "answers.min_coverage": "between 0 and 1",
        "answers.name_weight": "between 1 and 10",
        "answers.proximity": "between 0 and 1",
        "answers.proximity_sentences": "between 1 and 10",
        "answers.spelling_valid_zipf": "between 0 and 8",
        "summaries.sentences": "between 1 and 50",
        "summaries.per_source": "between 1 and 20",
        "summaries.lead_weight": "between 0 and 1",
        "summaries.redundancy": "between 0 and 1",
    }
    for key, ok in checks.items():
        if not ok:
            raise ConfigError(f"{file}: {key} must be {ranges[key]}")
    if settings.index.engine not in ENGINES:
        valid = ", ".join(sorted(ENGINES))
        raise ConfigError(
            f"{file}: index.engine must be one of {valid}, not {settings.index.engine!r}"
        )
    if settings.index.scoring not in SCORINGS:
        valid = ", ".join(sorted(SCORINGS))
        raise ConfigError(
            f"{file}: index.scoring must be one of {valid}, not {settings.index.scoring!r}"
        )


def _read_yaml(path: Path) -> Any:
    try:
        if path.exists() and not path.is_file():
            raise ConfigError(f"config file {path} is not a regular file: pass a YAML file")
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        if len(data) > MAX_CONFIG_BYTES:
            raise ConfigError(f"config file {path} is over 1 MB: is it the right file?")
        text = data.decode("utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(
            f"config file {path} not found: run from the project folder or pass --config PATH"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        why = f" ({problem})" if problem else ""
        raise ConfigError(f"{path}: not valid YAML{at}{why}: fix the syntax there") from exc
    except RecursionError as exc:
        raise ConfigError(f"{path}: nested too deeply to be a config: fix the file") from exc


def project_root(config_path: Path) -> Path:
    """Return the folder relative config paths start from: the one holding `config/`."""
    folder = config_path.resolve().parent
    return folder.parent if folder.name == "config" else folder


def _resolve(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else root / path


def load_metadata(path: Path) -> dict[str, MetaOverride]:
    """Return sources.yaml as file name -> metadata; a missing file means no metadata."""
    if not path.exists():
        return {}
    data = _read_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must map file names to metadata (title, author, ...)")
    result: dict[str, MetaOverride] = {}
    for name, meta in data.items():
        where = f"{path}: {name}"
        result[str(name)] = _build(MetaOverride, meta, where)
        url = result[str(name)].url
        if url is not None and not re.match(r"^https?://\S+$", url):
            raise ConfigError(f"{where}.url must start with http:// or https://, not {url!r}")
    return result


_SECTIONS = (
    "sources",
    "cleaning",
    "tokenizer",
    "index",
    "answers",
    "summaries",
    "telegram",
    "access",
    "limits",
    "privacy",
)


def load_settings(path: Path = DEFAULT_CONFIG) -> Settings:
    """Return the settings in the config file at path; ConfigError says what is wrong."""
    data = _read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must be a mapping of sections ({', '.join(_SECTIONS)})")
    unknown = sorted(str(k) for k in data if k not in _SECTIONS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown section {unknown[0]!r} (valid sections: {', '.join(_SECTIONS)})"
        )
    root = project_root(path)
    src = data.get("sources") or {}
    if not isinstance(src, dict):
        raise ConfigError(f"{path}: sources must be a mapping of keys to values")
    src = dict(src)
    metadata_path = _convert(
        src.pop("metadata", "config/sources.yaml"), Path, f"{path}: sources.metadata"
    )
    sources: SourceSettings = _build(SourceSettings, src, f"{path}: sources", skip=("metadata",))
    folders = tuple(_resolve(root, f) for f in sources.folders)
    if not folders:
        raise ConfigError(f"{path}: sources.folders must list at least one folder")
    unsupported = sorted(
        {e.lower().lstrip(".") for e in sources.extensions} - {e[1:] for e in SUPPORTED}
    )
    if unsupported:
        raise ConfigError(
            f"{path}: sources.extensions: sourcebot cannot read .{unsupported[0]} files "
            f"(supported: {', '.join(SUPPORTED)})"
        )
    metadata = load_metadata(_resolve(root, metadata_path))
    sources = SourceSettings(
        folders=folders,
        index_dir=None if sources.index_dir is None else _resolve(root, sources.index_dir),
        extensions=tuple(
            e.lower() if e.startswith(".") else f".{e.lower()}" for e in sources.extensions
        ),
        on_error=sources.on_error,
        metadata=metadata,
        max_passage_chars=sources.max_passage_chars,
        max_file_mb=sources.max_file_mb,
    )
    tokenizer = data.get("tokenizer") or {}
    index_data = data.get("index") or {}
    if not isinstance(tokenizer, dict) or not isinstance(index_data, dict):
        raise ConfigError(f"{path}: tokenizer and index must be mappings of keys to values")
    unknown_tok = sorted(str(k) for k in tokenizer if k not in ("stem", "stopwords"))
    if unknown_tok:
        raise ConfigError(
            f"{path}: tokenizer: unknown key {unknown_tok[0]!r} (valid keys: stem, stopwords)"
        )
    _build(IndexSettings, tokenizer, f"{path}: tokenizer")  # errors name tokenizer.<key>
    index: IndexSettings = _build(IndexSettings, {**index_data, **tokenizer}, f"{path}: index")
    cleaning: CleaningRules = _build(CleaningRules, data.get("cleaning"), f"{path}: cleaning")
    if cleaning.byline is not None and cleaning.byline.groups < 1:
        raise ConfigError(
            f"{path}: cleaning.byline must capture the author's name in a group, "
            "e.g. '^By\\s+(.+)$'"
        )
    retrieval = RetrievalSettings(
        sources=sources,
        cleaning=cleaning,
        index=index,
        answers=_build(AnswerSettings, data.get("answers"), f"{path}: answers"),
        summaries=_build(SummarySettings, data.get("summaries"), f"{path}: summaries"),
    )
    _check_positive(retrieval, path)
    telegram: TelegramSettings = _build(TelegramSettings, data.get("telegram"), f"{path}: telegram")
    if telegram.messages_per_second < 0 or telegram.group_messages_per_minute < 0:
        raise ConfigError(f"{path}: telegram rate limits must be 0 (off) or more")
    access: AccessSettings = _build(AccessSettings, data.get("access"), f"{path}: access")
    limits: LimitSettings = _build(LimitSettings, data.get("limits"), f"{path}: limits")
    if limits.questions_per_minute < 0:
        raise ConfigError(f"{path}: limits.questions_per_minute must be 0 (off) or more")
    privacy: PrivacySettings = _build(PrivacySettings, data.get("privacy"), f"{path}: privacy")
    privacy = PrivacySettings(
        log_questions=privacy.log_questions,
        feedback=privacy.feedback,
        feedback_file=_resolve(root, privacy.feedback_file),
    )
    return Settings(
        retrieval=retrieval,
        telegram=telegram,
        access=access,
        limits=limits,
        privacy=privacy,
        path=path,
    )
