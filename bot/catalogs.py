"""The bot's texts in the user's language: gettext catalogs, one a language, and `Words`,
which speaks one of them.

The texts themselves, in English, are the msgids of bot/wording.py. A catalog is
bot/locales/<language>/LC_MESSAGES/sourcebot.po (Babel's layout, as `pybabel init` and
`pybabel update` write it), compiled with Babel the first time its language is asked for:
the .po is the one file kept, so no compiled .mo can fall behind it, and `pip install`
ships it as package data. Adding a language is adding a catalog.

A Telegram user's `language_code` is an IETF tag ("ru", "ru-RU", "pt-br"): it picks the
catalog of that exact variant if there is one, else of its base language, else English.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterable
from importlib.resources import files
from importlib.resources.abc import Traversable

from babel import Locale, UnknownLocaleError
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DOMAIN = "sourcebot"
SOURCE_LANGUAGE = "en"  # the msgids' language: English needs no catalog


def _locales() -> Traversable:
    return files("bot") / "locales"


class Words:
    """The bot's texts in one language: a msgid of wording.py translated, then filled in."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def __call__(self, text: str, /, **fields: object) -> str:
        """Return text in this language, its {fields} filled in (when any are given)."""
        said = self._translations.gettext(text)
        return said.format(**fields) if fields else said

    def count(self, forms: tuple[str, str], n: int, /, **fields: object) -> str:
        """Return the form of (singular, plural) this language uses for n, {count} = n."""
        return self._translations.ngettext(forms[0], forms[1], n).format(count=n, **fields)

    def languages(self, codes: Iterable[str]) -> str:
        """Return the names of languages (ISO 639-1 codes) in this language, as a list:
        "English and German", "английский и немецкий"."""
        try:
            locale = Locale.parse(self.language)
        except (ValueError, UnknownLocaleError):
            locale = Locale.parse(SOURCE_LANGUAGE)
        names = [locale.languages.get(code, code) for code in codes]
        return format_list(names, locale=locale) if names else ""


ENGLISH = Words(SOURCE_LANGUAGE, gettext.NullTranslations())


@functools.cache
def catalog_languages() -> tuple[str, ...]:
    """Return the languages with a catalog (directory names: "ru", "pt_BR"), sorted."""
    root = _locales()
    names = (
        entry.name for entry in root.iterdir() if (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )
    return tuple(sorted(names))


@functools.cache
def catalog(language: str) -> Words:
    """Return the Words of a language with a catalog, compiled from its .po by Babel."""
    path = _locales() / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po:
        messages = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, messages)  # fuzzy entries are left out: they stay English
    compiled.seek(0)
    return Words(language, gettext.GNUTranslations(compiled))


def words_for(language_code: str | None) -> Words:
    """Return the Words for a Telegram user's language_code: its catalog, or English."""
    if not language_code:
        return ENGLISH
    tag = language_code.strip().replace("-", "_").casefold()
    known = {name.casefold(): name for name in catalog_languages()}
    base = tag.split("_", 1)[0]
    for candidate in (tag, base):
        if candidate in known:
            return catalog(known[candidate])
    return ENGLISH
