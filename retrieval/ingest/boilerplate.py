"""Tell a page's article text from its furniture, line by line.

A text copy of a web page (select-all and paste, a converter's output) holds the article
among menus, share bars, captions, related links, comment threads and footers, usually one
item a line. As jusText and trafilatura do for HTML, each line is judged by its
properties: its length and sentence shape, its stopword density in the page's language,
list bullets, form fields, link-like text and copyright marks, whether it repeats inside
the page or across the folder, its position, and the same signs in the lines around it. A
logistic model adds these up into the log-odds that the line is article text (`WEIGHTS`,
fitted by `retrieval/evaluate/line_model_fit.py` on the first half of the web-dev set and checked on
the other half; README, "Cleaning"). The article is then the stretch of lines with the most
evidence, a maximum-sum span as in Finn et al.'s Body Text Extraction, plus any other
stretch with at least `SECOND_REGION` of its evidence (an article cut by a long box),
widened over neighbours the model does not reject; inside it, lines the model finds
unlikely (a caption, a "Share" button) are dropped.

Everything is linear in the number of lines and cheap per line; a document made only of
long sentences, like most .jsonl dumps, skips the model (there is nothing to remove).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from retrieval.text.stoplists import guess_language, stoplist

FloatArray = npt.NDArray[np.float64]

# A list bullet as w3m, browsers' copy and converters write it, or a number "3." / "3)".
_BULLET = re.compile(r"^(?:[•□◦▪▫●○◆◇■·∙‣⁃☆★\-–—*+»›]|\d{1,3}[.)])\s+")
_BULLET_ONLY = re.compile(r"^[•□◦▪▫●○◆◇■·∙‣⁃☆★\-–—*+»›]$")
# An image or widget placeholder: [photo-123.jpg], [INS::INS], [    ] (no spaces inside, and
# a digit or file-name punctuation; or blank). "[We] have agreed" in a quote stays.
_PLACEHOLDER = re.compile(r"\[(?:[^\]\s]*[\d_.:/=-][^\]\s]*|\s*)\]")
_FIELD = re.compile(r"\[[^\]]{0,40}\]")  # a form field or button left by a text browser
_SENTENCE_END = re.compile(r"[.!?…。！？](?:[\"'”’»)\]」』]*)$")
_SENTENCE_ENDERS = frozenset(".!?…。！？")
_CLOSERS = "\"'”’»)]」』"
_WORD = re.compile(r"[^\W\d_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_LINKISH = re.compile(
    r"https?://|www\.|\S+@\S+\.\w|(?:^|\s)@\w|\.(?:com|org|net|html?|php|jpe?g|png|gif|svg)\b",
    re.IGNORECASE,
)
_SEPARATED = re.compile(r"\s[|›»>/·•]\s|\S\s{3,}\S")  # "Home | News", breadcrumbs, table cells
_DIGITS = re.compile(r"\d+")
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
# Chinese function characters: the stopwords of a language written without spaces.
_ZH_FUNCTION = re.compile("[的了是在不和有也就都而及与着或之于被把这那个们]")

MIN_LINES = 12  # a shorter text is a note or a snippet, not a page copy: kept whole
PROSE_CHARS = 80  # a document whose lines are all sentences this long skips the model
SIZE_CAP = 50.0  # words: beyond this a line's evidence grows no more
CLIP = 2.0  # log-odds: no single line outweighs a few ordinary ones
KEEP_ABOVE = -1.0  # log-odds: a line inside the article below this is dropped
SECOND_REGION = 0.35  # share of the best stretch's evidence another stretch needs
NEAR_LINES = 5  # or any evidence, this close to a stretch taken


@dataclass(frozen=True)
class PageLine:
    """One line of a page (or a hard-wrapped paragraph joined back), as the model sees it."""

    text: str  # placeholders and the bullet taken off
    bullet: bool  # a list item
    block: int  # number of the blank-line separated block it stands in
    marker: str = ""  # how the item was marked: "•" for any bullet sign, or "3." / "3)"
    joined: bool = False  # joined from several lines of the file (so never a heading)

    @property
    def shown(self) -> str:
        """Return the line as a paragraph shows it: a list item with its marker."""
        return f"{self.marker} {self.text}" if self.marker else self.text


def page_lines(blocks: Sequence[Sequence[str]]) -> list[PageLine]:
    """Return the lines of a page's blocks: lists split into items, hard wraps joined.

    A block whose lines all reach most of its width is a hard-wrapped paragraph and becomes
    one line; any other block is a list of lines (a menu without bullets, a column of
    links), except that a line ending in ":" or a hyphen, or one that stops mid-sentence
    before a lowercase line, carries on into the next. A text of fewer than MIN_LINES lines
    is a note, not a page copy: each of its blocks is one paragraph, as written.
    """
    if sum(len(block) for block in blocks) < MIN_LINES:
        return [
            PageLine(join_wrapped(block), False, number, joined=len(block) > 1)
            for number, block in enumerate(blocks)
        ]
    out: list[PageLine] = []
    for number, block in enumerate(blocks):
        items: list[PageLine] = []
        marked = False
        for raw in block:
            if _BULLET_ONLY.match(raw):
                marked = True  # w3m puts a bullet alone on a line before a nested item
                continue
            line = _PLACEHOLDER.sub("", raw).strip() if "[" in raw else raw
            if not line:
                continue
            bullet = _BULLET.match(line)
            marker = ""
            if bullet:
                sign = bullet.group(0).strip()
                marker = sign if sign[0].isdigit() else "•"
                line = line[bullet.end() :]
            elif marked:
                marker = "•"
            items.append(PageLine(line, bool(marker), number, marker))
            marked = False
        out += _joined(items)
    return out


def _joined(items: list[PageLine]) -> list[PageLine]:
    if len(items) < 2:
        return items
    width = max(len(item.text) for item in items)
    if (
        width >= 30
        and not any(item.bullet for item in items)
        and all(len(item.text) >= 0.6 * width for item in items[:-1])
    ):
        text = join_wrapped([item.text for item in items])
        return [PageLine(text, False, items[0].block, joined=True)]
    out = [items[0]]
    for item in items[1:]:
        last = out[-1]
        if not item.bullet and (
            last.text.endswith((":", "\u00ad")) or _continued(last.text, item.text)
        ):
            text = join_wrapped([last.text, item.text])
            out[-1] = PageLine(text, last.bullet, last.block, last.marker, joined=True)
        else:
            out.append(item)
    return out


def _continued(line: str, following: str) -> bool:
    """Say whether a line stops mid-sentence and the next one carries on in lowercase."""
    return following[:1].islower() and _SENTENCE_END.search(line) is None


def join_wrapped(lines: Sequence[str]) -> str:
    """Return hard-wrapped lines as one: a soft hyphen at a line end joins the word, and a
    hyphen between letters ("Soekarno-" / "Hatta") joins a compound without a space."""
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("\u00ad"):
            out = out[:-1] + line
        elif out.endswith("-") and out[-2:-1].isalpha() and line[:1].isalpha():
            out += line
        else:
            out = f"{out} {line}"
    return out


def line_key(text: str) -> str:
    """Return a line folded for counting repeats: case, spacing and numbers ignored."""
    return _DIGITS.sub("#", " ".join(text.casefold().split()))


def is_list_item(text: str) -> bool:
    """Say whether a line starts with a list bullet or number."""
    return _BULLET.match(text) is not None


def is_prose(text: str) -> bool:
    """Say whether a line reads as a full sentence: long enough, ending like one."""
    if len(text) < PROSE_CHARS:
        return False
    # _SENTENCE_END at the end only: a search would try it at every character.
    end = len(text) - 1 if text.endswith("\n") else len(text)  # "$" matches before a "\n"
    tail = text[max(0, end - 64) : end].rstrip(_CLOSERS)
    if len(tail) == 0 and end > 64:  # a run of 64 closing marks: rare enough to search
        return _SENTENCE_END.search(text) is not None
    return tail[-1:] in _SENTENCE_ENDERS


# --- The model ---------------------------------------------------------------------------

FEATURES = (
    "length",  # log(1 + characters) / 6; a CJK character counts two
    "sentence_end",
    "stopwords",  # share of words in the page language's stoplist
    "no_stoplist",  # the language has none (Japanese, Chinese): judged by shape alone
    "bullet",
    "copyright",
    "form_fields",  # share of the line in [...] fields
    "link_like",  # a URL, an e-mail address, an @handle, a file name
    "capitalised",  # share of words that start with a capital
    "digits",  # share of characters that are digits
    "repeated_in_page",  # the same line (numbers aside) stands elsewhere in the page
    "position",  # 0 at the top of the page, 1 at the bottom
    "separators",  # "Home | News", "A › B", cells apart
    "one_or_two_words",
    "ends_with_colon",
    "repeated_in_folder",  # the same line stands in other files of the folder
    "prose_near",  # share of full sentences among the 2 lines either side
    "bullets_near",
    "prose_around",  # the same within 6 lines
    "bullets_around",
    "bullet_sentence",  # interactions
    "bullet_among_bullets",
    "stopwords_sentence",
    "length_sentence",
    "length_stopwords",
    "length_sentence_no_stoplist",
    "bias",
)

# Fitted by retrieval/evaluate/line_model_fit.py on the first 50 pages of web-dev (by file name).
WEIGHTS: dict[str, float] = {
    "length": 1.487,
    "sentence_end": -1.209,
    "stopwords": -1.483,
    "no_stoplist": 0.000,
    "bullet": 2.081,
    "copyright": -3.305,
    "form_fields": -1.611,
    "link_like": 2.207,
    "capitalised": -1.878,
    "digits": 1.747,
    "repeated_in_page": -0.756,
    "position": -0.851,
    "separators": 1.598,
    "one_or_two_words": -1.811,
    "ends_with_colon": 2.681,
    "repeated_in_folder": -1.880,
    "prose_near": 1.462,
    "bullets_near": -0.091,
    "prose_around": 2.467,
    "bullets_around": -1.983,
    "bullet_sentence": -2.650,
    "bullet_among_bullets": -0.579,
    "stopwords_sentence": 2.491,
    "length_sentence": 2.455,
    "length_stopwords": 0.102,
    "length_sentence_no_stoplist": 0.000,
    "bias": -2.108,
}


def _weights() -> FloatArray:
    return np.array([WEIGHTS[name] for name in FEATURES], dtype=np.float64)


def line_features(
    lines: Sequence[PageLine], stops: frozenset[str] | None, folder_repeats: frozenset[str]
) -> FloatArray:
    """Return one row of FEATURES per line."""
    n = len(lines)
    keys = [line_key(line.text) for line in lines]
    in_page = Counter(keys)
    rows = np.zeros((n, len(FEATURES)), dtype=np.float64)
    for i, line in enumerate(lines):
        text = line.text
        chars = len(text) * (2 if _CJK.search(text) else 1)
        words = text.split()
        count = max(1, len(words))
        lexical = [w.lower() for w in _WORD.findall(text)] if stops is not None else []
        fields = sum(len(m) for m in _FIELD.findall(text)) if "[" in text else 0
        rows[i, :16] = (
            math.log1p(chars) / 6,
            _SENTENCE_END.search(text) is not None,
            _stopword_share(text, lexical, stops),
            stops is None,
            line.bullet,
            "©" in text or "ⓒ" in text,
            fields / max(1, len(text)),
            _LINKISH.search(text) is not None,
            sum(w[:1].isupper() for w in words) / count,
            sum(c.isdigit() for c in text) / max(1, len(text)),
            in_page[keys[i]] > 1,
            i / n,
            _SEPARATED.search(text) is not None,
            len(words) <= 2,
            text.endswith(":"),
            keys[i] in folder_repeats,
        )
    prose = rows[:, 1] * (rows[:, 0] > math.log1p(40) / 6)
    rows[:, 16] = _around(prose, 2)
    rows[:, 17] = _around(rows[:, 4], 2)
    rows[:, 18] = _around(prose, 6)
    rows[:, 19] = _around(rows[:, 4], 6)
    rows[:, 20] = rows[:, 4] * rows[:, 1]
    rows[:, 21] = rows[:, 4] * rows[:, 17]
    rows[:, 22] = rows[:, 2] * rows[:, 1]
    rows[:, 23] = rows[:, 0] * rows[:, 1]
    rows[:, 24] = rows[:, 0] * rows[:, 2]
    rows[:, 25] = rows[:, 0] * rows[:, 3] * rows[:, 1]
    rows[:, 26] = 1.0
    return rows


def _stopword_share(text: str, lexical: list[str], stops: frozenset[str] | None) -> float:
    """Return the share of function words in a line: stoplist words, or for languages
    written without spaces the particles (Japanese kana, Chinese function characters)."""
    if stops is not None:
        return sum(w in stops for w in lexical) / len(lexical) if lexical else 0.0
    letters = sum(c.isalpha() for c in text)
    if not letters:
        return 0.0
    return (len(_HIRAGANA.findall(text)) + len(_ZH_FUNCTION.findall(text))) / letters


def _around(values: FloatArray, k: int) -> FloatArray:
    """Return, for each position, the mean of values within k either side, itself left out."""
    n = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values)))
    index = np.arange(n)
    lo = np.maximum(0, index - k)
    hi = np.minimum(n, index + k + 1)
    others = np.maximum(1, hi - lo - 1)
    means: FloatArray = (sums[hi] - sums[lo] - values) / others
    return means


def page_stoplist(lines: Sequence[PageLine]) -> frozenset[str] | None:
    """Return the stopwords of the page's language, guessed from its longer lines."""
    sample = "\n".join(line.text for line in lines if len(line.text) > 40)
    if len(sample) < 200:
        sample = "\n".join(line.text for line in lines)
    return stoplist(guess_language(sample))


def line_scores(lines: Sequence[PageLine], folder_repeats: frozenset[str]) -> FloatArray:
    """Return the log-odds that each line is article text."""
    rows = line_features(lines, page_stoplist(lines), folder_repeats)
    scores: FloatArray = rows @ _weights()
    return scores


def article_mask(
    lines: Sequence[PageLine], folder_repeats: frozenset[str] = frozenset()
) -> list[bool]:
    """Return, for each line of a page, whether it is article text."""
    n = len(lines)
    if n < MIN_LINES or all(is_prose(line.text) for line in lines):
        return [True] * n
    scores = line_scores(lines, folder_repeats)
    return keep_mask(scores, [_size(line.text) for line in lines])


def _size(text: str) -> float:
    """Return a line's length in words (CJK text, written without spaces: two characters)."""
    return max(len(text.split()), len(_CJK.findall(text)) / 2)


def keep_mask(scores: FloatArray, sizes: Sequence[float]) -> list[bool]:
    """Return which lines to keep, given their log-odds and their sizes in words."""
    weight = np.sqrt(np.minimum(np.asarray(sizes, dtype=np.float64), SIZE_CAP))
    shift = 0.0
    spans = _regions(np.clip(scores, -CLIP, CLIP) * weight)
    if not spans:  # nothing reads as article: take what reads most like one
        shift = 1.0 - float(scores.max())
        spans = _regions(np.clip(scores + shift, -CLIP, CLIP) * weight)
    above = (scores + shift) > KEEP_ABOVE
    keep = np.zeros(len(scores), dtype=bool)
    for first, last in spans:
        # Widen the stretch over neighbours the model does not reject (a short last line).
        lo, hi = first, last
        while lo > 0 and above[lo - 1] and not keep[lo - 1]:
            lo -= 1
        while hi + 1 < len(scores) and above[hi + 1]:
            hi += 1
        keep[lo : hi + 1] = True
    return [bool(k) for k in keep & above]


def _best_span(values: FloatArray, start: int, end: int) -> tuple[int, int, float]:
    """Return the span of values[start:end] with the largest sum (Kadane), and the sum."""
    best, span = 0.0, (start, start - 1)
    running, first = 0.0, start
    for i in range(start, end):
        value = float(values[i])
        if running <= 0:
            running, first = value, i
        else:
            running += value
        if running > best:
            best, span = running, (first, i)
    return span[0], span[1], best


def _regions(values: FloatArray) -> list[tuple[int, int]]:
    """Return the best span, and the other spans with at least SECOND_REGION of its sum or
    with any evidence at all, when at most NEAR_LINES lines part them from a span taken (an
    article cut by a photo and its caption)."""
    lo, hi, best = _best_span(values, 0, len(values))
    if hi < lo:
        return []
    spans = [(lo, hi)]
    todo = [(0, lo), (hi + 1, len(values))]
    while todo:
        start, end = todo.pop()
        if end <= start:
            continue
        a, b, total = _best_span(values, start, end)
        if b < a:
            continue
        near = any(a - y <= NEAR_LINES + 1 and x - b <= NEAR_LINES + 1 for x, y in spans)
        if total >= SECOND_REGION * best or near:
            spans.append((a, b))
            todo += [(start, a), (b + 1, end)]
    return sorted(spans)
