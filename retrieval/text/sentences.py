"""Split a paragraph into sentences, keeping every character of the original.

Rule-based, tuned for news and analysis prose: abbreviations ("Dr.", "U.S.", "Jan.",
"c. 1455"), initials ("J. Smith"), dates ("May 12, 2015"), decimals, quotes and brackets
closing a sentence, dashes, and footnote markers after the full stop ("stop.1 Next") do not
fool it.
In every script: the Devanagari danda (।), the Arabic question mark (؟) and the Urdu,
Armenian and Ethiopic full stops end a sentence as "." does; Chinese and Japanese 。！？
end one with no space after; in Greek ";" is the question mark. Only a lowercase letter
after the stop continues a sentence, so scripts without case (Arabic, Hindi) split too.
Thai has no sentence terminator and writes no space between words: a space between two
Thai letters ends a sentence or a clause, and is where Thai text splits once the sentence
has THAI_MIN_CHARS characters (not after the repetition mark ๆ, which is written with a
space after it: "ใกล้ๆ กัน").
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep pres rev hon
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vol vols fig figs ed eds p pp ch
    sec art para approx est dept univ assn inc ltd co corp vs etc al cf ca op
    """.split()
)
# Words that usually open a sentence: after a dotted acronym ("the U.S. The ...") they
# tell a sentence end from an abbreviation inside one ("the U.S. Secretary").
_SENTENCE_OPENERS = frozenset(
    """
    the a an this that these those it its he she they we i there here in on at for but and
    however moreover yet so as after before when while if although though since thus hence
    therefore meanwhile both his her their our such what why how who
    """.split()
)

# A candidate end: terminal punctuation, optional closing quotes/brackets, an optional
# footnote number, then whitespace and something that can open a sentence; a CJK end,
# which needs no space after it; or a space between two Thai letters (ๆ excepted).
_THAI = "\u0e01-\u0e45\u0e47-\u0e4e"  # Thai letters, vowels and marks, but not ๆ (U+0E46)
# Thai also writes a space around foreign names and numbers and between short phrases: a
# space ends a Thai sentence only once it is this long (a short sentence; on XQuAD Thai, 40
# gave quote@1 0.72 with quotes of 226 characters, 80 gave 0.78 and 313, 200 gave 0.85 and 483
# with a fifth of the quotes whole paragraphs again).
THAI_MIN_CHARS = 80
_CANDIDATE = re.compile(
    r"""(?P<end>[.!?…;।॥؟۔։።]+)(?P<close>["'”’»)\]]*)(?P<note>\d{1,3})?"""
    r"""(?=\s+(?P<next>["'“‘«(\[]?[^\W_]))"""
    r"""|(?P<cjk>[。！？]+[」』”’）)]*)\s*"""
    rf"""|(?<=[{_THAI}])(?P<thai>\s+)(?=[{_THAI}])""",
    re.UNICODE,
)
_GREEK_QUESTION = ";"  # U+037E, the Greek question mark, is ";" after NFC
# Languages that write ordinals with a full stop ("am 31. August", "im 16. Jahrhundert"):
# there a number of up to three digits before "." does not end a sentence.
_ORDINAL_DOT = frozenset("bs cs da de et eu fi hr hu is lv no pl sk sl sr tr".split())
_WORD_BEFORE = re.compile(r"([^\W_]+(?:\.[^\W_]+)*)$")
_WORD_AFTER = re.compile(r"""\s*["'“‘«(\[]?([^\W_]+)""")
# How far back to look for the word before a full stop: enough for any abbreviation, and
# a search from the start of the text at every full stop is quadratic in a long paragraph.
_LOOK_BACK = 64


def _is_boundary(text: str, match: re.Match[str], language: str | None) -> bool:
    if match.group("cjk") or match.group("thai"):
        return True
    end, close, note = match.group("end"), match.group("close"), match.group("note")
    if _GREEK_QUESTION in end and (language != "el" or end.strip(_GREEK_QUESTION)):
        return False  # ";" ends a sentence only in Greek, and only alone
    nxt = match.group("next")
    letter = nxt[-1]
    if letter.islower():
        return False  # a lowercase continuation is never a new sentence
    if note and match.start() > 0 and text[match.start() - 1].isdigit():
        return False  # "711.988 people": a thousands separator, not a footnote after a stop
    if end != "." or close or note:
        return True
    before = _WORD_BEFORE.search(text, max(match.start() - _LOOK_BACK, 0), match.start())
    if before is None:
        return True
    word = before.group(1)
    if language in _ORDINAL_DOT and word.isdigit() and len(word) <= 3:
        return False
    if word.casefold() in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isalpha() and word.isupper():
        return False  # an initial: "John F. Kennedy"
    if len(word) == 1 and word.isalpha() and letter.isdigit():
        return False  # a one-letter abbreviation before a number: "c. 1455", "b. 1950"
    if "." in word:  # dotted acronym: U.S., e.g.
        following = _WORD_AFTER.match(text, match.end())
        return following is not None and following.group(1).casefold() in _SENTENCE_OPENERS
    return True


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Return the sentences of text, stripped; joined with spaces they give back the text.

    `language` (ISO 639-1, None when unknown) is the language of text.
    """
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if match.group("thai") and match.start() - start < THAI_MIN_CHARS:
            continue  # a space after a name or a short phrase: the clause goes on
        if _is_boundary(text, match, language):
            piece = text[start : match.end()].strip()
            if piece:
                sentences.append(piece)
            start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def sentence_spans(text: str, language: str | None = None) -> list[tuple[int, int]]:
    """Return (start, end) offsets of each sentence of text, whitespace excluded."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in split_sentences(text, language):
        start = text.index(sentence, cursor)
        spans.append((start, start + len(sentence)))
        cursor = start + len(sentence)
    return spans
