"""Load config/bot.yaml and config/sources.yaml into frozen, validated settings.

`yaml.safe_load` once. The YAML's sections are the fields of `RetrievalSettings` (sources,
cleaning, tokenizer, index, answers, summaries) and of `Settings` (telegram, access, limits,
privacy, conversation); each section's keys are its dataclass's fields, checked by their
type and by the constraint the field carries (`retrieval.settings.setting`). Unknown keys
are rejected and every error names the file and the key, so a user sees one line saying
what to fix.
Relative paths are taken from the project folder (the folder holding `config/`); the one
key that is not a value is `sources.metadata`, the file of per-source metadata, which is
read here. The bot token is never read here.
"""

from __future__ import annotations

import dataclasses
import re
import reprlib
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import yaml

from retrieval import (
    CONSTRAINT,
    Constraint,
    MetaOverride,
    RetrievalSettings,
    SourcebotError,
    SourceSettings,
    setting,
)

DEFAULT_CONFIG = Path("config/bot.yaml")


class ConfigError(SourcebotError):
    """The configuration cannot be used; the message names the file and the key."""


def _https_url(url: str | None) -> str | None:
    if url is None or re.fullmatch(r"https://[^\s/?#]+(/[^\s?#]*)?", url):
        return None
    return "must be an https:// address Telegram can reach, e.g. https://bot.example.org/hook"


def _secret(token: str | None) -> str | None:
    if token is None or re.fullmatch(r"[A-Za-z0-9_-]{1,256}", token):
        return None
    return "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)"


@dataclass(frozen=True)
class WebhookSettings:
    """Webhook mode: Telegram posts updates to `url`, which reaches the bot's own web server
    on listen:port (through a reverse proxy that holds the HTTPS certificate)."""

    url: str | None = setting(None, check=_https_url)  # null: long polling
    listen: str = "127.0.0.1"
    port: int = setting(8443, low=1, high=65535)
    # null: TELEGRAM_WEBHOOK_SECRET from the environment, else a new random one each start.
    secret_token: str | None = setting(None, check=_secret)


@dataclass(frozen=True)
class TelegramSettings:
    """How the bot reaches Telegram (never the token: that comes from the environment)."""

    base_url: str | None = None
    test_environment: bool = False
    messages_per_second: int = setting(30, low=0)  # 0: no limiter
    group_messages_per_minute: int = setting(20, low=0)
    typing_delay_ms: int = setting(300, low=0)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)


@dataclass(frozen=True)
class AccessSettings:
    """Who may use the bot. Empty allowlists mean everyone; admins may /reload, /stats and
    /remove; uploaders (and admins) may add sources by sending files."""

    allowed_users: tuple[int, ...] = ()
    allowed_chats: tuple[int, ...] = ()
    denied_reply: str | None = "Sorry, this bot is private."
    admins: tuple[int, ...] = ()
    uploaders: tuple[int, ...] = ()


@dataclass(frozen=True)
class LimitSettings:
    """How much one user may ask, so that nobody starves the others."""

    questions_per_minute: int = setting(20, low=0)  # 0: no limit
    # The largest file an uploader may send, checked against the size Telegram reports
    # before anything is downloaded (the Bot API serves files up to 20 MB; a local Bot API
    # server up to 2000). sources.max_file_mb caps it too: a larger file would be skipped.
    upload_max_mb: int = setting(20, low=1, high=2000)


@dataclass(frozen=True)
class ConversationSettings:
    """How long and for how many chats the bot remembers a conversation (follow-ups, which
    sources a chat has had the full reference of), and how many questions its buttons
    (More, More from a source, votes) can refer to."""

    expire_minutes: int = setting(30, low=1, high=10_080)
    max_chats: int = setting(10_000, low=1)
    max_questions: int = setting(10_000, low=1)


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
    conversation: ConversationSettings = field(default_factory=ConversationSettings)
    path: Path = DEFAULT_CONFIG
    metadata_path: Path = Path("config/sources.yaml")  # sources.metadata, resolved


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
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _build(tp, value, where)
    if tp is re.Pattern[str] or origin is re.Pattern:
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a regular expression in quotes, not {_show(value)}")
        try:
            return re.compile(value)
        except re.error as exc:
            raise ConfigError(f"{where} is not a valid regular expression: {exc}") from exc
    raise ConfigError(f"{where}: unsupported setting type {tp}")  # pragma: no cover


def _build(cls: type[Any], data: Any, where: str, skip: tuple[str, ...] = ()) -> Any:
    """Return a settings dataclass from a YAML mapping: known keys only, each of its field's
    type and within its field's constraint."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be a mapping of keys to values, not {_show(data)}")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls) if f.name not in skip}
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (valid keys: {', '.join(known)})")
    values = {name: _convert(data[name], hints[name], f"{where}.{name}") for name in data}
    for name, value in values.items():
        constraint: Constraint | None = known[name].metadata.get(CONSTRAINT)
        problem = constraint.problem(value) if constraint is not None else None
        if problem is not None:
            raise ConfigError(f"{where}.{name} {problem}")
    return cls(**values)


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
    return {str(name): _build(MetaOverride, meta, f"{path}: {name}") for name, meta in data.items()}


# The YAML's sections: RetrievalSettings' fields, then the bot's own.
_RETRIEVAL_SECTIONS = tuple(f.name for f in fields(RetrievalSettings))
_BOT_SECTIONS = ("telegram", "access", "limits", "privacy", "conversation")
_SECTIONS = _RETRIEVAL_SECTIONS + _BOT_SECTIONS


def _with_paths(value: Any, root: Path) -> Any:
    """Return a settings dataclass with every relative path in it taken from root."""
    changes: dict[str, Any] = {}
    for spec in fields(value):
        item = getattr(value, spec.name)
        if isinstance(item, Path):
            changes[spec.name] = _resolve(root, item)
        elif isinstance(item, tuple) and item and all(isinstance(i, Path) for i in item):
            changes[spec.name] = tuple(_resolve(root, i) for i in item)
    return dataclasses.replace(value, **changes)


def _metadata_path(data: Any, path: Path, root: Path) -> Path:
    """Return the metadata file the sources section names (config/sources.yaml if none)."""
    metadata_path = Path("config/sources.yaml")
    if isinstance(data, dict) and "metadata" in data:
        metadata_path = _convert(data["metadata"], Path, f"{path}: sources.metadata")
    return _resolve(root, metadata_path)


def _sources(data: Any, path: Path, root: Path) -> SourceSettings:
    """Return the sources section; its `metadata` key names the metadata file, read here."""
    src = dict(data) if isinstance(data, dict) else data
    metadata_path = Path("config/sources.yaml")
    if isinstance(src, dict) and "metadata" in src:
        metadata_path = _convert(src.pop("metadata"), Path, f"{path}: sources.metadata")
    sources: SourceSettings = _build(SourceSettings, src, f"{path}: sources", skip=("metadata",))
    resolved: SourceSettings = dataclasses.replace(
        _with_paths(sources, root),
        extensions=tuple(
            e.lower() if e.startswith(".") else f".{e.lower()}" for e in sources.extensions
        ),
        metadata=load_metadata(_resolve(root, metadata_path)),
    )
    return resolved


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
    retrieval_hints = typing.get_type_hints(RetrievalSettings)
    sections: dict[str, Any] = {
        name: _with_paths(_build(retrieval_hints[name], data.get(name), f"{path}: {name}"), root)
        for name in _RETRIEVAL_SECTIONS
        if name != "sources"
    }
    retrieval = RetrievalSettings(sources=_sources(data.get("sources"), path, root), **sections)
    bot_hints = typing.get_type_hints(Settings)
    bot = {
        name: _with_paths(_build(bot_hints[name], data.get(name), f"{path}: {name}"), root)
        for name in _BOT_SECTIONS
    }
    metadata_path = _metadata_path(data.get("sources"), path, root)
    return Settings(retrieval=retrieval, path=path, metadata_path=metadata_path, **bot)
