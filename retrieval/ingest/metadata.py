"""Find a page's title, byline and date where they stand, and tell names and dates from text.

The headline of a page copy sits just above the article, often twice (a breadcrumb and the
heading), among labels ("Opinion"), a date line and a byline. `find_header` looks at the
lines above the article's first paragraph: the title is the heading-shaped line whose
words the opening paragraphs share most, that stands just above the byline or date line,
or again in the header (twice, or inside a longer line such as an image's alt text), and
that comes before its deck, nearest the article breaking ties; a "By ..." line gives the
author; a short line with a year and a day or a time gives the date. The
same tests keep dates, bylines, labels and captions from becoming section headings
(`reads_as_heading`), and check the authors trafilatura reads from an HTML page
(`name_or_none`). A source without a title is called by what is known of it (`label`).
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_YEAR = r"(?:1[89]|20)\d\d"
_DATE = re.compile(
    rf"\b{_YEAR}-\d\d?-\d\d?\b"  # 2019-11-18
    rf"|\b\d\d?[./]\d\d?[./](?:{_YEAR}|\d\d)\b"  # 18.11.2019, 11/18/19
    # 18 November 2019; 22 de outubro de 2010 (Portuguese, Spanish: "de", "del")
    rf"|\b\d\d?(?:st|nd|rd|th)?\.?\s+(?:del?\s+)?[^\W\d_]{{3,}}\.?,?\s+(?:del?\s+)?{_YEAR}\b"
    rf"|\b[^\W\d_]{{3,}}\.?\s+\d\d?(?:st|nd|rd|th)?,?\s+{_YEAR}\b"  # Nov. 18, 2019
    rf"|{_YEAR}\s*[年년]\s*\d\d?\s*[月월]\s*\d\d?\s*[日일]?"  # 2019年11月18日, 2019년 11월 18일
)
_TIME = re.compile(r"\b\d\d?:\d\d\b")
# What stands before an author's name, in the languages sourcebot's users write most.
_BY = re.compile(
    r"^(?:(?:written|posted|reported|text|story|words)\s+)?"
    r"(?:by|von|por|par|di|door|av|af|przez|от|автор|texto|text|текст"
    r"|author|autor|auteur|autore|autrice)\b\s*:?\s*",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s+[|•·—–/]\s+|\s+-\s+|\s{2,}")
_NAME_JOINERS = frozenset({"and", "&", "und", "e", "y", "et", "и", "i", "en", "och", "og"})
_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "do", "dos", "das", "del", "della", "van", "von", "der", "den", "du",
     "la", "le", "bin", "ibn", "al", "el", "ter", "ten", "st.", "mc", "y"}
)  # fmt: skip
_TITLE_END = (".", ",", ";", ":")
# Words that stand before a noun phrase, never first in a person's name.
_ARTICLES = frozenset(
    {"the", "a", "an", "le", "la", "les", "der", "die", "das", "el", "los", "il", "lo", "o", "os"}
)
_CALENDAR = frozenset(
    name.casefold()
    for name in (*calendar.day_name, *calendar.day_abbr, *calendar.month_name, *calendar.month_abbr)
    if name
)
# A sentence ends inside the line: "... in 2002. (Photo by X)"; not "U.S. engagement".
_SECOND_SENTENCE = re.compile(r"[^\W\d_]{2}[.!?]\s+[(\"“]?[^\W\d_]")


def is_date_line(text: str, max_words: int = 12) -> bool:
    """Say whether a line is a date (or a date with a time, a place, a reading time)."""
    if len(text.split()) > max_words:
        return False
    if _DATE.search(text):
        return True
    # "15:23 2019", "Updated 9:24 PM ET", "2 days ago at 07:52 am": a time in a short line.
    return bool(_TIME.search(text)) and len(text.split()) <= 6


def date_in(text: str) -> str | None:
    """Return the date printed in a line, as printed, or None."""
    found = _DATE.search(text)
    return found.group(0).strip() if found else None


def is_name(text: str, single_word: bool = False) -> bool:
    """Say whether text reads as one person's (or several people's) name.

    Capitalised words (initials, hyphens, apostrophes and particles such as "van" or "de"
    allowed), joined by "and" or commas; no digits, no sentence. Scripts without capitals
    (CJK) pass on length alone. One word passes only when single_word (an explicit "By X").
    """
    text = text.strip().strip(",;")
    if not text or len(text) > 80 or any(c.isdigit() for c in text):
        return False
    if _CJK.search(text):
        return len(text.replace(" ", "")) <= 12
    people = [p for p in re.split(r"\s*,\s*|\s+(?:and|&|und|e|y|et|и|i|en|och|og)\s+", text) if p]
    if not people:
        return False
    for person in people:
        words = person.split()
        if not words or len(words) > 5 or (len(words) == 1 and not single_word):
            return False
        for word in words:
            if word.casefold() in _NAME_PARTICLES and word is not words[0]:
                continue
            core = word.strip(".'’-")
            if (
                not core
                or not core[0].isupper()
                or not all(c.isalpha() or c in ".'’-" for c in word)
            ):
                return False
    return True


_LETTERS = re.compile(r"[^\W\d_]+")
_DIGITS = re.compile(r"\d+")
DATED_CHARS = 120  # a date line or byline is short: longer lines are not looked at


def date_form(text: str) -> str | None:
    """Return the form of a date line or byline, None for any other line.

    The form is the printed date with its digits and words masked ("A #, #"), "+time" when a
    time stands in the line, or "by" for a byline without a date: the same for the header of
    every comment in a thread ("joe says: November 19, 2019 at 6:44 am"), different for the
    article's own date line above it ("November 19, 2019").
    """
    if len(text) > DATED_CHARS:
        return None
    if is_date_line(text):
        found = _DATE.search(text)
        masked = _LETTERS.sub("A", _DIGITS.sub("#", found.group(0))) if found else ""
        return masked + ("+time" if _TIME.search(text) else "")
    return "by" if byline_author(text) else None


def byline_author(text: str) -> str | None:
    """Return the author named by a byline ("By Jane Doe", "Nov 1, 2019 | BY: Jane Doe")."""
    for part in _SEPARATORS.split(text):
        by = _BY.match(part.strip())
        if by is None:
            continue
        name = part.strip()[by.end() :].strip()
        if is_name(name, single_word=True):
            return name
    return None


def name_or_none(text: str | None) -> str | None:
    """Return an author field with its parts that are not names dropped.

    trafilatura reads authors from bylines and markup, and sometimes takes a date or a
    phrase along ("Jeff Foust Monday; November", "The Russian; Syrian defense ministries"):
    weekdays and months are taken off each part, and a part that is then no name, or starts
    with an article, goes.
    """
    if text is None:
        return None
    names = []
    for part in text.split(";"):
        kept = " ".join(w for w in part.split() if w.strip(".,").casefold() not in _CALENDAR)
        first = kept.split(" ", 1)[0].casefold()
        if kept and first not in _ARTICLES and is_name(kept):
            names.append(kept)
    return "; ".join(names) or None


def words(text: str) -> int:
    """Return how many words a line has (CJK text, written without spaces: two characters)."""
    return max(len(text.split()), len(_CJK.findall(text)) // 2)


def reads_as_heading(text: str, max_words: int, min_words: int = 1) -> bool:
    """Say whether a one-line block is a heading: short, no full stop, not a date, byline
    or credit (a line with a copyright), at least min_words long (2 keeps out labels such
    as "Advertisement" where nothing else vouches for the line)."""
    if not (0 < len(text) <= 100) or text.endswith((*_TITLE_END, "!", "…", "。", "！", "．")):
        return False
    if _SECOND_SENTENCE.search(text) or "@" in text or "://" in text:
        return False  # a caption ("Mr. X. (Photo by Y)"), a handle or an address
    if not (text[0].isupper() or text[0].isdigit() or _CJK.match(text)):
        return False
    count = words(text)
    if not min_words <= count <= max_words or not _WORD.search(text):
        return False
    return not ("©" in text or is_date_line(text) or byline_author(text))


def _content_words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text) if len(w) > 3} | set(_CJK.findall(text))


@dataclass(frozen=True)
class Header:
    """What the lines above an article say about it; `used` are the lines taken."""

    title: str | None = None
    author: str | None = None
    date: str | None = None
    used: frozenset[int] = frozenset()


HEADER_LINES = 40  # how far above the article a headline is looked for
ANCHOR_LINES = 4  # a headline stands this close above its byline or date line
ANCHOR_BONUS = 2.0
DECK_PENALTY = 2.0  # a title-shaped line right below one that shares the article's words
REPEAT_BONUS = 0.5  # a headline often stands twice (breadcrumb or deck, and heading)
INSIDE_BONUS = 1.0  # ... or again inside a longer line (an image's alt text, a byline line)
INSIDE_MIN_WORDS = 3  # shorter lines (menu items) stand inside other menu items


def find_header(
    lines: Sequence[str], start: int, body: Sequence[str], title_max_words: int
) -> Header:
    """Return the title, author and date among lines[:start], the lines above the article.

    body is the article's opening text, whose words a headline shares.
    """
    first = max(0, start - HEADER_LINES)
    author = date = None
    used: set[int] = set()
    for i in range(start - 1, first - 1, -1):
        text = lines[i]
        if author is None and (name := byline_author(text)):
            author = name
            used.add(i)
            if date is None and (printed := date_in(text)):
                date = printed
        elif date is None and is_date_line(text) and (printed := date_in(text)):
            date = printed
            used.add(i)
    opening = _content_words(" ".join(body))
    # The header's byline or date: the headline stands just above it.
    anchor = min(used) if used else None
    best: tuple[float, int] | None = None
    seen = Counter(lines[i].casefold() for i in range(first, start))
    above = list(seen)
    headed = False  # the line before shares the article's words: this one may be its deck
    for i in range(first, start):
        text = lines[i]
        shaped = i not in used and _title_shaped(text, title_max_words)
        mine = _content_words(text) if shaped else set()
        shared = len(mine & opening)
        after_headline, headed = headed, shared > 0
        if not shaped or (shared == 0 and start - i > 3):
            continue
        key = text.casefold()
        if after_headline and _same_title(key, lines[i - 1].casefold()):
            after_headline = False  # the same line twice is a headline, not its deck
        # A headline shares words with the article it heads, is seldom very short, stands
        # just above its byline or date line, often stands twice (breadcrumb and heading,
        # or inside a longer line: "TITLE image", "date | By X TITLE date") and comes
        # before its deck. Weights chosen on web-dev's text copies (README).
        score = (
            0.5 * shared * (1 + shared / max(1, len(mine)))
            + 2 * min(words(text), 6) / 6
            + REPEAT_BONUS * (seen[key] > 1)
            + INSIDE_BONUS * (words(text) >= INSIDE_MIN_WORDS and _stands_inside(key, above))
            + ANCHOR_BONUS * (anchor is not None and 0 < anchor - i <= ANCHOR_LINES)
            - DECK_PENALTY * after_headline
        )
        if best is None or score >= best[0]:
            best = (score, i)
    title = None
    if best is not None:
        title = lines[best[1]]
        used.add(best[1])
    return Header(title=title, author=author, date=date, used=frozenset(used))


def _same_title(one: str, other: str) -> bool:
    """Say whether two casefolded lines give one title: the same, or one of at least
    INSIDE_MIN_WORDS words inside the other ("TITLE" and "TITLE image")."""
    inner, outer = sorted((one, other), key=len)
    return inner == outer or (words(inner) >= INSIDE_MIN_WORDS and inner in outer)


def _stands_inside(key: str, others: Sequence[str]) -> bool:
    """Say whether a casefolded line stands inside another, longer one of others."""
    return any(key in other and key != other for other in others)


def _title_shaped(text: str, max_words: int) -> bool:
    return (
        0 < len(text) <= 300
        and not text.endswith(_TITLE_END)
        and 2 <= words(text) <= max_words
        and not is_date_line(text)
        and byline_author(text) is None
        and "©" not in text
        and "@" not in text
        and "http" not in text
    )


def label(
    author: str | None, publisher: str | None, date: str | None, file: str
) -> tuple[str, bool]:
    """Return what to call a source without a title, and whether that is a title.

    By who wrote or published it ("Dmitry Danilov, RIAC, 2015"); by its file name and date
    when only the date is known, by its file name alone only when nothing is.
    """
    if author or publisher:
        return ", ".join(x for x in (author, publisher, date) if x), False
    return (f"{file}, {date}" if date else file), False
