"""What the line model knows of each line of a page copy: one row of FEATURES per line.

As jusText and trafilatura judge the blocks of an HTML page, each line is described by
properties that hold in any language: its length and sentence shape, its stopword density
in the page's language, list bullets, form fields, link-like text and copyright marks,
capitals and digits, whether it repeats inside the page or across the folder, its position,
and the same signs in the lines around it. Beside these, the page's own structure: date
lines and bylines, the place just below the article's header (a date or byline line with
prose under it), runs of records that repeat one date form (the headers of a comment thread,
of a list of teasers), and numbered lists that count on. boilerplate.py weighs the rows.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from retrieval.ingest.metadata import date_form
from retrieval.ingest.page_lines import SENTENCE_END, PageLine, is_prose, line_key
from retrieval.text.stoplists import guess_language, stoplist

FloatArray = npt.NDArray[np.float64]

_FIELD = re.compile(r"\[[^\]]{0,40}\]")  # a form field or button left by a text browser
_WORD = re.compile(r"[^\W\d_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_LINKISH = re.compile(
    r"https?://|www\.|\S+@\S+\.\w|(?:^|\s)@\w|\.(?:com|org|net|html?|php|jpe?g|png|gif|svg)\b",
    re.IGNORECASE,
)
_SEPARATED = re.compile(r"\s[|›»>/·•]\s|\S\s{3,}\S")  # "Home | News", breadcrumbs, table cells
_HIRAGANA = re.compile(r"[\u3041-\u309f]")
# Chinese function characters: the stopwords of a language written without spaces.
_ZH_FUNCTION = re.compile("[的了是在不和有也就都而及与着或之于被把这那个们]")

HEADER_PROSE = 6  # a header's date line or byline has a full sentence this close below it
HEADER_ALONE = 8  # ... and no two other date lines this close: it is not a comment's
HEADER_REACH = 10.0  # lines: how far below the header "just below" fades (e-fold)
RECORDS_MIN = 3  # a thread or a list of teasers: this many headers of one date form
RECORDS_GAP = (2, 8)  # ... each this many lines after the one before

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
    "dated",  # a date, time or byline line (metadata.date_form)
    "numbered_in_order",  # an item numbered one more than the numbered item before it
    "below_header",  # exp(-distance / HEADER_REACH) below the article's header line
    "in_records",  # inside a run of records headed by one date form (comments, teasers)
    "bias",
)


def line_features(
    lines: Sequence[PageLine], stops: frozenset[str] | None, folder_repeats: frozenset[str]
) -> FloatArray:
    """Return one row of FEATURES per line."""
    n = len(lines)
    keys = [line_key(line.text) for line in lines]
    in_page = Counter(keys)
    rows = np.zeros((n, len(FEATURES)), dtype=np.float64)
    forms: list[str | None] = []
    for i, line in enumerate(lines):
        text = line.text
        chars = len(text) * (2 if _CJK.search(text) else 1)
        words = text.split()
        count = max(1, len(words))
        lexical = [w.lower() for w in _WORD.findall(text)] if stops is not None else []
        fields = sum(len(m) for m in _FIELD.findall(text)) if "[" in text else 0
        rows[i, :16] = (
            math.log1p(chars) / 6,
            SENTENCE_END.search(text) is not None,
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
        forms.append(date_form(text))
    prose = rows[:, 1] * (rows[:, 0] > math.log1p(40) / 6)
    rows[:, 16] = around(prose, 2)
    rows[:, 17] = around(rows[:, 4], 2)
    rows[:, 18] = around(prose, 6)
    rows[:, 19] = around(rows[:, 4], 6)
    rows[:, 20] = rows[:, 4] * rows[:, 1]
    rows[:, 21] = rows[:, 4] * rows[:, 17]
    rows[:, 22] = rows[:, 2] * rows[:, 1]
    rows[:, 23] = rows[:, 0] * rows[:, 1]
    rows[:, 24] = rows[:, 0] * rows[:, 2]
    rows[:, 25] = rows[:, 0] * rows[:, 3] * rows[:, 1]
    dated = np.array([form is not None for form in forms], dtype=np.float64)
    rows[:, 26] = dated
    rows[:, 27] = _numbered_in_order(lines)
    rows[:, 28] = _below_header(lines, dated)
    rows[:, 29] = _in_records(forms)
    rows[:, 30] = 1.0
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


def around(values: FloatArray, k: int) -> FloatArray:
    """Return, for each position, the mean of values within k either side, itself left out."""
    n = len(values)
    sums = np.concatenate(([0.0], np.cumsum(values)))
    index = np.arange(n)
    lo = np.maximum(0, index - k)
    hi = np.minimum(n, index + k + 1)
    others = np.maximum(1, hi - lo - 1)
    means: FloatArray = (sums[hi] - sums[lo] - values) / others
    return means


def _numbered_in_order(lines: Sequence[PageLine]) -> FloatArray:
    """Return 1 for a list item numbered one more than the last numbered item before it (the
    steps of a recipe, the ten entries of a top-ten list; menus are seldom numbered)."""
    out = np.zeros(len(lines))
    last: int | None = None
    for i, line in enumerate(lines):
        if line.marker[:1].isdigit():
            number = int(line.marker.rstrip(".)"))
            out[i] = last is not None and number == last + 1
            last = number
    return out


def _below_header(lines: Sequence[PageLine], dated: FloatArray) -> FloatArray:
    """Return how closely each line follows the article's header, 0 above it.

    The header's line is the first date line or byline with a full sentence at most
    HEADER_PROSE lines below it and at most one other date line within HEADER_ALONE lines
    (a comment's date has its neighbours' dates around it).
    """
    n = len(lines)
    sums = np.concatenate(([0.0], np.cumsum(dated)))
    for i in (int(k) for k in np.flatnonzero(dated)):
        others = sums[min(n, i + HEADER_ALONE + 1)] - sums[max(0, i - HEADER_ALONE)] - 1
        below = lines[i + 1 : i + 1 + HEADER_PROSE]
        if others < 2 and any(is_prose(line.text) for line in below):
            distance = np.arange(n, dtype=np.float64) - i
            closeness: FloatArray = np.where(distance > 0, np.exp(-distance / HEADER_REACH), 0.0)
            return closeness
    return np.zeros(n)


def _in_records(forms: Sequence[str | None]) -> FloatArray:
    """Return 1 for the lines of a run of records: RECORDS_MIN or more date lines of one form,
    each RECORDS_GAP lines after the one before, from the first to the last record's end
    (the median gap after its header)."""
    n = len(forms)
    out = np.zeros(n)
    runs: list[list[int]] = []
    open_runs: dict[str, list[int]] = {}
    for i, form in enumerate(forms):
        if form is None or not (form.endswith("+time") or form == "by"):
            continue
        run = open_runs.get(form)
        if run is not None and RECORDS_GAP[0] <= i - run[-1] <= RECORDS_GAP[1]:
            run.append(i)
            continue
        if run is not None:
            runs.append(run)
        open_runs[form] = [i]
    runs += open_runs.values()
    for run in runs:
        if len(run) >= RECORDS_MIN:
            gap = int(np.median(np.diff(run)))
            out[run[0] : min(n, run[-1] + gap)] = 1.0
    return out


def page_stoplist(lines: Sequence[PageLine]) -> frozenset[str] | None:
    """Return the stopwords of the page's language, guessed from its longer lines."""
    sample = "\n".join(line.text for line in lines if len(line.text) > 40)
    if len(sample) < 200:
        sample = "\n".join(line.text for line in lines)
    return stoplist(guess_language(sample))
