"""The catalogs cannot fall behind the texts: every text marked in bot/wording.py is in the
template and translated in every catalog, with the same {fields}; no catalog keeps a text
no longer said; every marked text is used; and a language_code picks the right catalog."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from bot import wording as w
from bot.catalogs import ENGLISH, catalog, catalog_languages, words_for
from tests.support.paths import REPO_ROOT

BOT = REPO_ROOT / "bot"
LOCALES = BOT / "locales"
KEYWORDS = {"N_": None, "NP_": (1, 2)}  # as `make catalogs` extracts them
Msgid = str | tuple[str, ...]


def _marked() -> set[Msgid]:
    """Return the texts wording.py marks, as Babel extracts them."""
    found = extract_from_file("python", str(BOT / "wording.py"), keywords=KEYWORDS)
    return {text for _, text, _, _ in found}


def _read(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def _ids(catalog_: Catalog) -> set[Msgid]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog_ if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _sample_values(text: str) -> dict[str, object]:
    """Return a value for each field of text: a number where it has a format spec."""
    return {
        name: (1.5 if spec else "X")
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None
    }


def _po(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "sourcebot.po"


def test_russian_is_shipped() -> None:
    assert "ru" in catalog_languages()


def test_the_template_is_up_to_date() -> None:
    assert _ids(_read(LOCALES / "sourcebot.pot")) == _marked(), "run `make catalogs`"


@pytest.mark.parametrize("language", catalog_languages())
def test_a_catalog_translates_every_text_and_keeps_no_other(language: str) -> None:
    translated = _read(_po(language))
    marked = _marked()
    assert not marked - _ids(translated), "texts missing: run `make catalogs`, translate"
    assert not _ids(translated) - marked, "texts no longer said: run `make catalogs`"
    for message in translated:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy (a changed text): {message.id!r}"
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else message.string or []
        assert len(strings) == translated.num_plurals or isinstance(message.id, str)
        for said in strings:
            assert said.strip(), f"untranslated: {message.id!r}"
            assert _fields(said) == _fields(ids[-1]), f"other {{fields}}: {said!r}"


def _marked_names() -> Iterator[str]:
    """Yield the names of wording.py's module-level texts marked N_ or NP_."""
    tree = ast.parse((BOT / "wording.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
            continue
        call = node.value.func
        if isinstance(call, ast.Name) and call.id in KEYWORDS:
            yield from (t.id for t in node.targets if isinstance(t, ast.Name))


def test_every_marked_text_is_said_somewhere() -> None:
    code = {path: path.read_text(encoding="utf-8") for path in BOT.rglob("*.py")}
    wording = BOT / "wording.py"
    for name in _marked_names():
        said = re.compile(rf"\b{name}\b")
        used = len(said.findall(code[wording])) > 1 or any(
            said.search(text) for path, text in code.items() if path != wording
        )
        assert used, f"wording.{name} is never said"


def test_every_russian_text_fills_in() -> None:
    russian = catalog("ru")
    for message in _read(_po("ru")):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        fields = {k: v for k, v in _sample_values(ids[-1]).items() if k not in ("count", "rate")}
        if isinstance(message.id, str):
            said = russian(message.id, count=3, rate=0.5, **fields)
        else:
            said = russian.count((ids[0], ids[1]), 3, **fields)
        assert said and said != ids[0]


@pytest.mark.parametrize(
    ("code", "language"),
    [("ru", "ru"), ("ru-RU", "ru"), ("RU", "ru"), ("ru_UA", "ru"), ("de", "en"), ("", "en")],
)
def test_language_code_picks_a_catalog_or_english(code: str, language: str) -> None:
    assert words_for(code).language == language
    assert words_for(None) is ENGLISH


def test_english_is_the_texts_themselves() -> None:
    assert ENGLISH(w.STALE) == w.STALE
    assert ENGLISH(w.UNKNOWN_COMMAND, command="/x") == "I don't know /x. /help lists what I can do."
    assert w.start_lines(1)[0] == "I answer questions about 1 source by quoting it:"
    assert words_for("ru").count(w.SOURCES_COUNT, 21) == "21 источник"
    assert words_for("ru").count(w.SOURCES_COUNT, 12) == "12 источников"


def test_language_names_are_said_in_the_users_language() -> None:
    assert w.sources_in(["en"]) == (
        "The sources are in English: questions are matched in the sources' language only."
    )
    assert w.sources_in(["de", "en"], words_for("ru")).startswith(
        "Языки источников — немецкий и английский:"
    )


def test_the_menu_is_translated_and_fits_telegram() -> None:
    russian = w.menu(words_for("ru"))
    assert [name for name, _ in russian] == [name for name, _ in w.menu()]
    assert all(1 <= len(what) <= 256 and what[0].isupper() for _, what in russian)
