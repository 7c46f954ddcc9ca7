"""The languages sourcebot analyses: each one's Snowball stemmer, its scripts, and the
language a word of a script is taken for when the text's own language is written in
another script.

Codes are ISO 639-1 ("en", "ru", "zh"), as language detection (langdetect.py) gives them. A
language with no entry here is still indexed: its words are case-folded and kept whole.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Scripts, named as the first word of a letter's Unicode name ("LATIN SMALL LETTER A").
LATIN, CYRILLIC, GREEK, ARABIC, HEBREW = "LATIN", "CYRILLIC", "GREEK", "ARABIC", "HEBREW"
DEVANAGARI, THAI, ARMENIAN, TAMIL = "DEVANAGARI", "THAI", "ARMENIAN", "TAMIL"
HAN, HIRAGANA, KATAKANA, HANGUL = "CJK", "HIRAGANA", "KATAKANA", "HANGUL"


@dataclass(frozen=True)
class Language:
    """What the tokenizer needs to know of one language."""

    code: str
    stemmer: str | None  # PyStemmer's algorithm name; None: words are not stemmed
    scripts: tuple[str, ...] = (LATIN,)
    word_tokens: bool = True  # False: its tokens are syllables or bigrams (no stopwords)


def _table(*languages: Language) -> dict[str, Language]:
    return {lang.code: lang for lang in languages}


# Every Snowball stemmer PyStemmer 3 ships, plus languages with stopwords but no stemmer.
LANGUAGES: dict[str, Language] = _table(
    Language("ar", "arabic", (ARABIC,)),
    Language("bg", None, (CYRILLIC,)),
    Language("ca", "catalan"),
    Language("cs", "czech"),
    Language("da", "danish"),
    Language("de", "german"),
    Language("el", "greek", (GREEK,)),
    Language("en", "english"),
    Language("eo", "esperanto"),
    Language("es", "spanish"),
    Language("et", "estonian"),
    Language("eu", "basque"),
    Language("fa", "persian", (ARABIC,)),
    Language("fi", "finnish"),
    Language("fr", "french"),
    Language("ga", "irish"),
    Language("he", None, (HEBREW,)),
    Language("hi", "hindi", (DEVANAGARI,)),
    Language("hu", "hungarian"),
    Language("hy", "armenian", (ARMENIAN,)),
    Language("id", "indonesian"),
    Language("it", "italian"),
    Language("ja", None, (HAN, HIRAGANA, KATAKANA), word_tokens=False),
    Language("ko", None, (HANGUL, HAN), word_tokens=False),
    Language("lt", "lithuanian"),
    Language("mr", None, (DEVANAGARI,)),
    Language("ms", "indonesian"),  # Malay shares Indonesian's affixes
    Language("ne", "nepali", (DEVANAGARI,)),
    Language("nl", "dutch"),
    Language("no", "norwegian"),
    Language("pl", "polish"),
    Language("pt", "portuguese"),
    Language("ro", "romanian"),
    Language("ru", "russian", (CYRILLIC,)),
    Language("sr", "serbian", (CYRILLIC, LATIN)),
    Language("st", "sesotho"),
    Language("sv", "swedish"),
    Language("ta", "tamil", (TAMIL,)),
    Language("th", None, (THAI,), word_tokens=False),
    Language("tr", "turkish"),
    Language("uk", None, (CYRILLIC,)),
    Language("ur", None, (ARABIC,)),
    Language("vi", None, word_tokens=False),
    Language("zh", None, (HAN,), word_tokens=False),
)

# A word in a script its text's language does not use (an English name in a Russian
# article, a Russian quote in an English one) is taken for this language.
SCRIPT_LANGUAGE: dict[str, str] = {
    LATIN: "en",
    CYRILLIC: "ru",
    GREEK: "el",
    ARABIC: "ar",
    HEBREW: "he",
    DEVANAGARI: "hi",
    THAI: "th",
    ARMENIAN: "hy",
    TAMIL: "ta",
    HAN: "zh",
    HIRAGANA: "ja",
    KATAKANA: "ja",
    HANGUL: "ko",
}


def script_of(word: str) -> str | None:
    """Return the script of the first letter of word, or None when it has no letter."""
    if word.isascii():
        return LATIN if any(c.isalpha() for c in word) else None
    for char in word:
        if char.isalpha():
            name = unicodedata.name(char, "")
            return name.split(" ", 1)[0] or None
    return None


def word_language(word: str, text_language: str | None) -> str | None:
    """Return the language to analyse word in, given the language of its text."""
    script = script_of(word)
    if script is None:
        return text_language
    if text_language is None:
        return SCRIPT_LANGUAGE.get(script)
    known = LANGUAGES.get(text_language)
    if known is None:
        # A language without an entry (Swahili, Georgian...): its words are kept whole; only a
        # word of a script with a language of its own (a Cyrillic quote) goes to that one.
        return text_language if script == LATIN else SCRIPT_LANGUAGE.get(script, text_language)
    if script in known.scripts:
        return text_language
    return SCRIPT_LANGUAGE.get(script)
