"""Fit the line model's weights (retrieval/ingest/boilerplate.py) on an extraction set; a dev tool.

Nothing at run time imports this. Run

    python -m retrieval.evaluate.line_model_fit ../shared/data/web-dev [--pages 0:50]

to refit: every line of each text copy (`text/*.txt`) is labelled article text when its
words stand, in order, in the page's published article (`ground-truth.json`; a line of
fewer than six words only where the lines before it left off, so that "Home" is not
found somewhere in the article), weighted by the square root of its length and by one over
the page's number of lines (each page counts alike), and a logistic regression with a
small ridge penalty is fitted by Newton's method. It prints the weights as Python, to be
pasted into boilerplate.WEIGHTS. Choose the pages you fit on, and report the figures on the
others (`sourcebot eval DIR` measures them).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.ingest.boilerplate import (
    FEATURES,
    PageLine,
    line_features,
    page_lines,
    page_stoplist,
)
from retrieval.ingest.cleaning import text_blocks
from retrieval.ingest.folders import repeated_lines
from retrieval.text.tokenize import clean_text

_TOKEN = re.compile(r"[^\W_]+")
SHORT_WORDS = 6
NEAR_CHARS = 200
RIDGE = 1.0


def tokens(text: str) -> list[str]:
    """Return the scoring tokens of a text (NFKC, lowercase, runs of letters and digits)."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def labels(lines: Sequence[PageLine], article: str) -> np.ndarray:
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


def fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray, iterations: int = 30) -> np.ndarray:
    """Return logistic regression coefficients (weighted, ridge-penalised), by Newton's method."""
    beta = np.zeros(x.shape[1])
    ridge = RIDGE * np.eye(x.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        gradient = x.T @ (weight * (p - y)) + ridge @ beta
        hessian = (x * (weight * p * (1 - p))[:, None]).T @ x + ridge
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def page_rows(text: str, article: str, repeats: frozenset[str]) -> tuple[np.ndarray, ...]:
    """Return the features, labels and weights of one page's lines."""
    lines = page_lines(text_blocks(clean_text(text)))
    if not lines:
        return np.zeros((0, len(FEATURES))), np.zeros(0), np.zeros(0)
    x = line_features(lines, page_stoplist(lines), repeats)
    sizes = np.array([min(len(line.text.split()), 50) for line in lines], dtype=float)
    return x, labels(lines, article), np.sqrt(np.maximum(sizes, 1)) / len(lines) * 100


def main(argv: Sequence[str] | None = None) -> int:
    """Fit on the chosen pages of an extraction set and print the weights."""
    parser = argparse.ArgumentParser(prog="python -m retrieval.evaluate.line_model_fit")
    parser.add_argument("folder", type=Path, help="a set laid out like web-dev")
    parser.add_argument("--pages", default="0:50", help="slice of the pages by name (default 0:50)")
    args = parser.parse_args(argv)
    truth = json.loads((args.folder / "ground-truth.json").read_text(encoding="utf-8"))
    start, _, stop = args.pages.partition(":")
    names = sorted(truth)[int(start or 0) : int(stop) if stop else None]
    paths = [args.folder / "text" / f"{name}.txt" for name in names]
    texts = [clean_text(path.read_text(encoding="utf-8")) for path in paths]
    repeats = repeated_lines(texts)
    parts = [
        page_rows(t, truth[n]["articleBody"], repeats) for t, n in zip(texts, names, strict=True)
    ]
    x = np.vstack([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    w = np.concatenate([p[2] for p in parts])
    beta = fit(x, y, w)
    sys.stdout.write(f"# fitted on pages {args.pages} of {args.folder.name}: {len(y)} lines\n")
    sys.stdout.write("WEIGHTS: dict[str, float] = {\n")
    for name, value in zip(FEATURES, beta, strict=True):
        sys.stdout.write(f'    "{name}": {value:.3f},\n')
    sys.stdout.write("}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
