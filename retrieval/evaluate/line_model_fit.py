"""Fit the line models' weights (retrieval/ingest/boilerplate.py) on an extraction set; a dev tool.

Nothing at run time imports this. Run

    python -m retrieval.evaluate.line_model_fit ../shared/data/web-dev [--pages 0:50] [--ridge 10]
    python -m retrieval.evaluate.line_model_fit ../shared/data/web-dev --cross-validate --ridge 1 10

The first fits and prints both weight tables as Python, to be pasted into boilerplate.py.
Every line of each text copy (`text/*.txt`) is labelled article text when its words stand,
in order, in the page's published article (`ground-truth.json`; a line of fewer than six
words only where the lines before it left off, so that "Home" is not found somewhere in the
article). Each line is weighted by the square root of its length and by one over the page's
number of lines (each page counts alike). The stretch model is fitted on every line; the
line model only on the lines of the article's stretch (its first to its last labelled line,
MARGIN lines either side), where the question is which lines of the article to keep. Both
are logistic regressions with a ridge penalty, fitted by Newton's method.

--cross-validate measures what the weights are worth on pages they were not fitted on: it
fits on one half of the pages (by name), cleans the other half through the real pipeline
(`sourcebot eval`) and the other way round, for each penalty in --ridge, and prints the
token F1 of each fold. The penalty is chosen by this figure (README, "Cleaning").
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from retrieval.ingest import boilerplate
from retrieval.ingest.cleaning import text_blocks
from retrieval.ingest.folders import repeated_lines
from retrieval.ingest.line_features import FEATURES, line_features, page_stoplist
from retrieval.ingest.page_lines import PageLine, page_lines
from retrieval.text.tokenize import clean_text

_TOKEN = re.compile(r"[^\W_]+")
SHORT_WORDS = 6
NEAR_CHARS = 200
RIDGE = 10.0  # chosen by --cross-validate on web-dev (README, "Cleaning")
MARGIN = 3

FloatArray = np.ndarray


def tokens(text: str) -> list[str]:
    """Return the scoring tokens of a text (NFKC, lowercase, runs of letters and digits)."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def labels(lines: Sequence[PageLine], article: str) -> FloatArray:
    """Return 1 for each line whose words stand in the article (see the module docstring)."""
    joined = " " + " ".join(tokens(article)) + " "
    out = np.zeros(len(lines))
    last_end: int | None = None
    for i, line in enumerate(lines):
        words = tokens(line.text)
        if not words:
            continue
        needle = " " + " ".join(words) + " "
        if len(words) >= SHORT_WORDS:
            at = joined.find(needle)
        elif last_end is not None:
            at = joined.find(needle, max(0, last_end - 1))
            at = at if 0 <= at - last_end < NEAR_CHARS else -1
        else:
            at = -1
        if at >= 0:
            out[i] = 1.0
            last_end = at + len(needle)
    return out


def fit(x: FloatArray, y: FloatArray, weight: FloatArray, ridge: float = RIDGE) -> FloatArray:
    """Return logistic regression coefficients (weighted, ridge-penalised), by Newton's method."""
    beta = np.zeros(x.shape[1])
    penalty = ridge * np.eye(x.shape[1])
    for _ in range(30):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (weight * (p - y)) + penalty @ beta
        hessian = (x * (weight * p * (1 - p))[:, None]).T @ x + penalty
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def page_rows(text: str, article: str, repeats: frozenset[str]) -> tuple[FloatArray, ...]:
    """Return the features, labels and weights of one page's lines."""
    lines = page_lines(text_blocks(clean_text(text)))
    if not lines:
        return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0)
    x = line_features(lines, page_stoplist(lines), repeats)
    sizes = np.array([min(len(line.text.split()), 50) for line in lines], dtype=float)
    return x, labels(lines, article), np.sqrt(np.maximum(sizes, 1)) / len(lines) * 100


def fit_models(
    folder: Path, names: Sequence[str], ridge: float = RIDGE
) -> tuple[FloatArray, FloatArray]:
    """Return the stretch and line models' coefficients fitted on these pages of a set."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    texts = [(folder / "text" / f"{name}.txt").read_text(encoding="utf-8") for name in names]
    repeats = repeated_lines(texts)
    parts = [
        page_rows(t, truth[n]["articleBody"], repeats) for t, n in zip(texts, names, strict=True)
    ]
    stretch = fit(*_stacked(parts), ridge=ridge)
    inside: list[tuple[FloatArray, ...]] = []
    for x, y, w in parts:
        found = np.flatnonzero(y)
        if len(found):
            lo, hi = max(0, found[0] - MARGIN), min(len(y), found[-1] + MARGIN + 1)
            inside.append((x[lo:hi], y[lo:hi], w[lo:hi] * len(y) / (hi - lo)))
    line = fit(*_stacked(inside), ridge=ridge)
    return stretch, line


def _stacked(parts: Sequence[tuple[FloatArray, ...]]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return the features, labels and weights of several pages, one after the other."""
    x, y, w = (np.concatenate([part[k] for part in parts]) for k in range(3))
    return x, y, w


@contextmanager
def _installed(stretch: FloatArray, line: FloatArray) -> Iterator[None]:
    """Clean with these weights instead of the shipped ones, for the time of a measurement."""
    shipped = boilerplate.MODEL
    boilerplate.MODEL = boilerplate.LineModel(stretch, line)
    try:
        yield
    finally:
        boilerplate.MODEL = shipped


def cross_validate(folder: Path, ridge: float) -> list[tuple[str, float, float]]:
    """Return, for each half of the pages, (its slice, mean F1, median F1) of text copies
    cleaned with weights fitted on the other half."""
    from retrieval.evaluate.extraction import evaluate_extraction
    from retrieval.settings import RetrievalSettings

    names = sorted(json.loads((folder / "ground-truth.json").read_text(encoding="utf-8")))
    half = len(names) // 2
    folds = [(f"{half}:{len(names)}", names[:half]), (f"0:{half}", names[half:])]
    out = []
    for tested, fitted_on in folds:
        with _installed(*fit_models(folder, fitted_on, ridge)):
            report = evaluate_extraction(folder, RetrievalSettings(), tested)
        text = next(form for form in report.forms if form.form == "text")
        scores = [page.f1 for page in text.pages]
        out.append((tested, statistics.fmean(scores), statistics.median(scores)))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on the chosen pages of an extraction set and print the weights, or cross-validate."""
    parser = argparse.ArgumentParser(prog="python -m retrieval.evaluate.line_model_fit")
    parser.add_argument("folder", type=Path, help="a set laid out like web-dev")
    parser.add_argument("--pages", default="0:50", help="slice of the pages by name (default 0:50)")
    parser.add_argument("--ridge", type=float, nargs="+", default=[RIDGE], help="penalties")
    parser.add_argument("--cross-validate", action="store_true", help="2-fold, per --ridge")
    args = parser.parse_args(argv)
    if args.cross_validate:
        for ridge in args.ridge:
            folds = cross_validate(args.folder, ridge)
            cells = "  ".join(f"{s}: F1 {f:.4f} (median {m:.4f})" for s, f, m in folds)
            mean = statistics.fmean(f for _, f, _ in folds)
            sys.stdout.write(f"ridge {ridge:g}: {cells}  mean {mean:.4f}\n")
        return 0
    truth = json.loads((args.folder / "ground-truth.json").read_text(encoding="utf-8"))
    start, _, stop = args.pages.partition(":")
    names = sorted(truth)[int(start or 0) : int(stop) if stop else None]
    stretch, line = fit_models(args.folder, names, args.ridge[0])
    sys.stdout.write(f"# fitted on pages {args.pages} of {args.folder.name}\n")
    for table, beta in (("STRETCH_WEIGHTS", stretch), ("LINE_WEIGHTS", line)):
        sys.stdout.write(f"{table}: dict[str, float] = {{\n")
        for name, value in zip(FEATURES, beta, strict=True):
            sys.stdout.write(f'    "{name}": {value:.3f},\n')
        sys.stdout.write("}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
