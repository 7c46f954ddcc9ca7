"""BM25 scoring variants as small pure functions, chosen by name.

Each variant pairs an idf over document frequencies with a term-frequency saturation.
`lucene` is Lucene's BM25 (the default); `okapi` is rank-bm25's BM25Okapi exactly
(negative idf floored at epsilon x mean idf); `atire` uses log(N/df).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating[Any]]  # float32 weights, float64 idf sums

OKAPI_EPSILON = 0.25


def idf_lucene(df: FloatArray, n_docs: int) -> FloatArray:
    """Return Lucene's idf: ln(1 + (N - df + 0.5) / (df + 0.5)), never negative."""
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


def idf_okapi(df: FloatArray, n_docs: int) -> FloatArray:
    """Return rank-bm25's BM25Okapi idf, negative values floored at epsilon x mean idf."""
    idf = np.log(n_docs - df + 0.5) - np.log(df + 0.5)
    floor = OKAPI_EPSILON * float(idf.mean()) if idf.size else 0.0
    return np.where(idf < 0, floor, idf)


def idf_atire(df: FloatArray, n_docs: int) -> FloatArray:
    """Return the ATIRE idf: ln(N / df)."""
    return np.log(n_docs / np.maximum(df, 1.0))


def length_norm(dl: FloatArray, avgdl: float, k1: float, b: float) -> FloatArray:
    """Return each passage's k1 * (1 - b + b * dl / avgdl), the same in every variant
    (computed once a passage, not once a posting)."""
    return k1 * (1 - b + b * dl / avgdl)


def tf_lucene(tf: FloatArray, norm: FloatArray, k1: float) -> FloatArray:
    """Return Lucene's saturated term frequency tf / (tf + norm) (without k1 + 1)."""
    return tf / (tf + norm)


def tf_robertson(tf: FloatArray, norm: FloatArray, k1: float) -> FloatArray:
    """Return Robertson's saturated term frequency tf * (k1 + 1) / (tf + norm)."""
    return tf * (k1 + 1) / (tf + norm)


class Scoring(NamedTuple):
    """An idf function and a tf function (of a posting's count and its passage's
    length_norm) that together define a BM25 variant."""

    name: str
    idf: Callable[[FloatArray, int], FloatArray]
    tf: Callable[[FloatArray, FloatArray, float], FloatArray]


SCORINGS: dict[str, Scoring] = {
    "lucene": Scoring("lucene", idf_lucene, tf_lucene),
    "okapi": Scoring("okapi", idf_okapi, tf_robertson),
    "atire": Scoring("atire", idf_atire, tf_robertson),
}


def get_scoring(name: str) -> Scoring:
    """Return the scoring variant called name; ValueError lists the valid ones."""
    try:
        return SCORINGS[name]
    except KeyError:
        raise ValueError(
            f"unknown scoring {name!r}: choose one of {', '.join(sorted(SCORINGS))}"
        ) from None
