"""Tell a page's article text from its furniture, line by line.

A text copy of a web page holds the article among menus, share bars, captions, related
links, comment threads and footers, usually one item a line (page_lines.py cuts a page into
such lines, line_features.py describes each). Two logistic models add up the features of a
line into log-odds: the stretch model, that the line stands in the article's stretch of the
page; the line model, that a line of that stretch is article text (a caption, a "Share"
button or an author's box in the middle of the article is not). Their weights were fitted
by `retrieval/evaluate/line_model_fit.py` on the web-dev set, with the penalty chosen by
cross-validation (README, "Cleaning"). The article is the stretch of lines with the most
evidence, a maximum-sum span as in Finn et al.'s Body Text Extraction, plus any other
stretch with at least `SECOND_REGION` of its evidence (an article cut by a long box) or any
evidence within `NEAR_LINES` of it, widened over neighbours the stretch model does not
reject; of it, the lines the line model finds likely are kept.

Everything is linear in the number of lines and cheap per line; a document made only of
long sentences, like most .jsonl dumps, skips the models (there is nothing to remove).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from retrieval.ingest.line_features import (
    FEATURES,
    FloatArray,
    line_features,
    page_stoplist,
)
from retrieval.ingest.page_lines import MIN_LINES, PageLine, is_prose

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")

SIZE_CAP = 50.0  # words: beyond this a line's evidence grows no more
CLIP = 2.0  # log-odds: no single line outweighs a few ordinary ones
WIDEN_ABOVE = -1.0  # stretch log-odds: the stretch widens over neighbours above this
KEEP_ABOVE = 0.0  # line log-odds: a line of the stretch is kept above this
SECOND_REGION = 0.35  # share of the best stretch's evidence another stretch needs
NEAR_LINES = 5  # or any evidence, this close to a stretch taken

# Fitted by retrieval/evaluate/line_model_fit.py on pages 0:50 of web-dev (ridge 10, chosen by
# its --cross-validate); pages 50:100 are held out (README, "Cleaning").
STRETCH_WEIGHTS: dict[str, float] = {
    "length": 0.630,
    "sentence_end": -0.088,
    "stopwords": -0.663,
    "no_stoplist": 0.000,
    "bullet": 1.081,
    "copyright": -1.439,
    "form_fields": -0.406,
    "link_like": 1.071,
    "capitalised": -1.764,
    "digits": 0.761,
    "repeated_in_page": -0.747,
    "position": -0.734,
    "separators": 1.201,
    "one_or_two_words": -1.114,
    "ends_with_colon": 1.241,
    "repeated_in_folder": -0.737,
    "prose_near": 1.408,
    "bullets_near": -0.443,
    "prose_around": 1.868,
    "bullets_around": -1.508,
    "bullet_sentence": -1.264,
    "bullet_among_bullets": -0.570,
    "stopwords_sentence": 0.998,
    "length_sentence": 1.642,
    "length_stopwords": 0.283,
    "length_sentence_no_stoplist": 0.000,
    "dated": -0.894,
    "numbered_in_order": 2.176,
    "below_header": 0.913,
    "in_records": -1.954,
    "bias": -1.473,
}
LINE_WEIGHTS: dict[str, float] = {
    "length": 0.979,
    "sentence_end": -0.402,
    "stopwords": -0.414,
    "no_stoplist": 0.000,
    "bullet": 1.145,
    "copyright": -1.716,
    "form_fields": -0.830,
    "link_like": 0.264,
    "capitalised": -1.857,
    "digits": 0.926,
    "repeated_in_page": -1.234,
    "position": 0.488,
    "separators": 0.586,
    "one_or_two_words": -0.927,
    "ends_with_colon": 1.836,
    "repeated_in_folder": -0.864,
    "prose_near": 1.639,
    "bullets_near": -1.004,
    "prose_around": -1.635,
    "bullets_around": -0.686,
    "bullet_sentence": -2.428,
    "bullet_among_bullets": 0.213,
    "stopwords_sentence": 0.447,
    "length_sentence": 2.955,
    "length_stopwords": 1.716,
    "length_sentence_no_stoplist": 0.000,
    "dated": -1.229,
    "numbered_in_order": 1.932,
    "below_header": -0.255,
    "in_records": 0.000,
    "bias": -0.894,
}


class LineModel(NamedTuple):
    """The weights of the two models, in the order of FEATURES."""

    stretch: FloatArray
    line: FloatArray

    @classmethod
    def of(cls, stretch: Mapping[str, float], line: Mapping[str, float]) -> LineModel:
        """Return the model with these weights by feature name."""
        return cls(
            np.array([stretch[name] for name in FEATURES], dtype=np.float64),
            np.array([line[name] for name in FEATURES], dtype=np.float64),
        )


MODEL = LineModel.of(STRETCH_WEIGHTS, LINE_WEIGHTS)


def line_scores(
    lines: Sequence[PageLine], folder_repeats: frozenset[str]
) -> tuple[FloatArray, FloatArray]:
    """Return the log-odds that each line stands in the article's stretch, and that it is
    article text."""
    rows = line_features(lines, page_stoplist(lines), folder_repeats)
    stretch: FloatArray = rows @ MODEL.stretch
    line: FloatArray = rows @ MODEL.line
    return stretch, line


def article_mask(
    lines: Sequence[PageLine], folder_repeats: frozenset[str] = frozenset()
) -> list[bool]:
    """Return, for each line of a page, whether it is article text."""
    n = len(lines)
    if n < MIN_LINES or all(is_prose(line.text) for line in lines):
        return [True] * n
    stretch, line = line_scores(lines, folder_repeats)
    return keep_mask(stretch, line, [_size(item.text) for item in lines])


def _size(text: str) -> float:
    """Return a line's length in words (CJK text, written without spaces: two characters)."""
    return max(len(text.split()), len(_CJK.findall(text)) / 2)


def keep_mask(stretch: FloatArray, line: FloatArray, sizes: Sequence[float]) -> list[bool]:
    """Return which lines to keep, given the two models' log-odds and the sizes in words."""
    weight = np.sqrt(np.minimum(np.asarray(sizes, dtype=np.float64), SIZE_CAP))
    shift = 0.0
    spans = _regions(np.clip(stretch, -CLIP, CLIP) * weight)
    if not spans:  # nothing reads as article: take what reads most like one
        shift = 1.0 - float(stretch.max())
        spans = _regions(np.clip(stretch + shift, -CLIP, CLIP) * weight)
    above = (stretch + shift) > WIDEN_ABOVE
    keep = np.zeros(len(stretch), dtype=bool)
    for first, last in spans:
        # Widen the stretch over neighbours the model does not reject (a short last line).
        lo, hi = first, last
        while lo > 0 and above[lo - 1] and not keep[lo - 1]:
            lo -= 1
        while hi + 1 < len(stretch) and above[hi + 1]:
            hi += 1
        keep[lo : hi + 1] = True
    kept = keep & (line > KEEP_ABOVE)
    # A line between two kept ones that the stretch model takes for article text stays (a
    # one-line paragraph, a subheading): neutral on web-dev (F1 ±0.0003), and the seeds keep
    # their paragraphs and numbers.
    flanked = np.zeros(len(kept), dtype=bool)
    flanked[1:-1] = kept[:-2] & kept[2:]
    kept |= keep & flanked & ((stretch + shift) > 0)
    # Never nothing: a stretch without a line the line model believes is kept as it is.
    return [bool(k) for k in (kept if kept.any() else keep)]


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
