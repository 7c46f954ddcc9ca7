"""The language of a page and its stopwords, as the cleaning uses them to tell prose from furniture.

Prose is full of function words ("the", "und", "что"); menus, captions and share bars are
not. How full is measured against the page's own language: py3langid names the language
(counting stopwords of every language instead picks stoplists that happen to be large,
e.g. Finnish for an English page), and jusText's stoplists, which were made for exactly
this measure, give the words. A language without a stoplist (Japanese, Chinese) gets None,
and the cleaning then judges its lines by their shape alone.
"""

from __future__ import annotations

import functools

# py3langid's ISO 639-1 codes -> the names of jusText's stoplists.
_STOPLIST_NAMES = {
    "af": "Afrikaans", "an": "Aragonese", "ar": "Arabic", "az": "Azerbaijani",
    "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "br": "Breton", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish", "et": "Estonian",
    "eu": "Basque", "fa": "Persian", "fi": "Finnish", "fr": "French", "fy": "West_Frisian",
    "ga": "Irish", "gl": "Galician", "gu": "Gujarati", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "ht": "Haitian", "hu": "Hungarian", "hy": "Armenian",
    "id": "Indonesian", "ig": "Igbo", "is": "Icelandic", "it": "Italian", "jv": "Javanese",
    "ka": "Georgian", "kk": "Kazakh", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish",
    "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "ml": "Malayalam", "mr": "Marathi", "ms": "Malay", "mt": "Maltese",
    "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian_Nynorsk", "no": "Norwegian_Bokmal",
    "oc": "Occitan", "pa": "Western_Panjabi", "pl": "Polish", "pt": "Portuguese",
    "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil",
    "te": "Telugu", "tk": "Turkmen", "tl": "Tagalog", "tr": "Turkish", "uk": "Ukrainian",
    "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "vo": "Volapuk", "wa": "Walloon",
    "yo": "Yoruba",
}  # fmt: skip

SAMPLE_CHARS = 3000  # py3langid is sure of a language long before this, and stays fast


def guess_language(sample: str) -> str:
    """Return the ISO 639-1 code of the language a text sample is written in."""
    import py3langid  # here: loading its model takes a tenth of a second

    code, _ = py3langid.classify(sample[:SAMPLE_CHARS])
    return str(code)


@functools.cache
def stoplist(language: str) -> frozenset[str] | None:
    """Return the stopwords of a language (lowercase), or None when there is no list for it."""
    name = _STOPLIST_NAMES.get(language)
    if name is None:
        return None
    import justext

    return frozenset(justext.get_stoplist(name))
