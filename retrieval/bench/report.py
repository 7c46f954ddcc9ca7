"""The benchmark's report: a row per system and shape, ratios to tantivy on the same shape,
sourcebot's targets (the 1M-passage ones, or from LARGE_PASSAGES on the ten-million ones),
and the aligned text table `sourcebot bench` prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

REFERENCE = "tantivy"

# Sourcebot's targets: (label, row field, limit, unit); units starting "x" are ratios. From
# LARGE_PASSAGES on (`make bench-10m`), the ten-million-passage targets instead.
LARGE_PASSAGES = 5_000_000
_LARGE_TARGETS = (
    ("build", "build_ratio", 2.0, "x tantivy"),
    ("p99", "p99_ms", 50.0, "ms"),
    ("serve RSS", "serve_rss_mb", 4096.0, "MB"),
)
_TARGETS = (
    ("build", "build_s", 60.0, "s"),
    ("build", "build_ratio", 1.5, "x tantivy"),
    ("peak RSS", "peak_rss_mb", 1536.0, "MB"),
    ("p50", "p50_ms", 10.0, "ms"),
    ("p99", "p99_ms", 50.0, "ms"),
    ("p50", "p50_ratio", 1.5, "x tantivy"),
)


@dataclass(frozen=True)
class BenchRow:
    """One system's line of the table; None where it was not measured (skipped, n/a)."""

    system: str
    passages: int
    questions: int
    build_s: float | None
    load_s: float | None
    peak_rss_mb: float | None
    index_mb: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    recall_at_10: float | None
    build_ratio: float | None = None
    p50_ratio: float | None = None
    p99_ratio: float | None = None
    note: str = ""
    shape: str = "articles"
    serve_rss_mb: float | None = None  # RSS after the questions: what serving holds

    @property
    def ran(self) -> bool:
        return self.build_s is not None


@dataclass(frozen=True)
class TargetCheck:
    """One target for one system: the measured value, the limit, and whether it is met."""

    label: str
    value: float | None
    limit: float
    unit: str

    @property
    def met(self) -> bool | None:
        """Say whether the value is within the limit; None when it was not measured."""
        return None if self.value is None else self.value <= self.limit


def percentile(values: Sequence[float], q: float) -> float:
    """Return the q-th percentile of values, interpolating linearly (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not in 0..100")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def ratio(value: float | None, reference: float | None) -> float | None:
    """Return value / reference, or None when either is unknown or the reference is 0."""
    if value is None or reference is None or reference <= 0:
        return None
    return value / reference


def with_ratios(rows: Sequence[BenchRow], reference: str = REFERENCE) -> list[BenchRow]:
    """Return rows with build time and p50/p99 latency as ratios to the reference system's
    on the same shape."""
    refs = {r.shape: r for r in rows if r.system == reference and r.ran}
    out: list[BenchRow] = []
    for row in rows:
        ref = refs.get(row.shape)
        out.append(
            replace(
                row,
                build_ratio=ratio(row.build_s, ref.build_s if ref else None),
                p50_ratio=ratio(row.p50_ms, ref.p50_ms if ref else None),
                p99_ratio=ratio(row.p99_ms, ref.p99_ms if ref else None),
            )
        )
    return out


def check_targets(
    rows: Sequence[BenchRow], system: str = "sourcebot", shape: str | None = None
) -> list[TargetCheck]:
    """Return sourcebot's targets with its measured values (None where it did not run), on
    one shape (the first the rows have when None)."""
    row = next((r for r in rows if r.system == system and shape in (None, r.shape)), None)
    targets = _LARGE_TARGETS if row is not None and row.passages >= LARGE_PASSAGES else _TARGETS
    return [
        TargetCheck(label, None if row is None else getattr(row, field), limit, unit)
        for label, field, limit, unit in targets
    ]


_COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (header, BenchRow field, format)
    ("system", "system", "s"),
    ("shape", "shape", "s"),
    ("passages", "passages", ",d"),
    ("questions", "questions", ",d"),
    ("build s", "build_s", ".1f"),
    ("load s", "load_s", ".2f"),
    ("peak RSS MB", "peak_rss_mb", ",.0f"),
    ("serve RSS MB", "serve_rss_mb", ",.0f"),
    ("index MB", "index_mb", ",.1f"),
    ("p50 ms", "p50_ms", ".2f"),
    ("p95 ms", "p95_ms", ".2f"),
    ("p99 ms", "p99_ms", ".2f"),
    ("recall@10", "recall_at_10", ".3f"),
    ("build/tantivy", "build_ratio", ".2f"),
    ("p50/tantivy", "p50_ratio", ".2f"),
    ("p99/tantivy", "p99_ratio", ".2f"),
)


def _cell(value: object, fmt: str) -> str:
    if value is None:
        return "n/a"
    return format(value, fmt)


def format_table(rows: Sequence[BenchRow], system: str = "sourcebot") -> str:
    """Return the rows as an aligned text table, notes under it, then the targets line."""
    header = [h for h, _, _ in _COLUMNS]
    body = [[_cell(getattr(r, f), fmt) for _, f, fmt in _COLUMNS] for r in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        # Text (system, shape) left-aligned, numbers right-aligned.
        left = [c.ljust(w) for c, w in zip(cells[:2], widths[:2], strict=True)]
        return "  ".join([*left, *(c.rjust(w) for c, w in zip(cells[2:], widths[2:], strict=True))])

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(cells) for cells in body]
    # A note says the same on every shape, but a failure is one shape's.
    notes = dict.fromkeys(
        f"{r.system} ({r.shape}): {r.note}"
        if r.note.startswith("failed")
        else f"{r.system}: {r.note}"
        for r in rows
        if r.note
    )
    out += list(notes)
    for shape in dict.fromkeys(r.shape for r in rows if r.system == system):
        label = f"{system}, {shape}"
        out.append(format_targets(check_targets(rows, system, shape), label))
    return "\n".join(out)


def format_targets(checks: Sequence[TargetCheck], system: str = "sourcebot") -> str:
    """Return one line saying which targets the system met and missed."""
    parts: list[str] = []
    for c in checks:
        # A ratio reads "1.40x <= 2x tantivy"; an amount "12.3 s <= 60 s".
        is_ratio = c.unit.startswith("x")
        value_unit, limit_unit = ("x", c.unit) if is_ratio else (f" {c.unit}", f" {c.unit}")
        digits = 0 if c.value is not None and c.value >= 100 else 2
        value = "n/a" if c.value is None else f"{c.value:,.{digits}f}{value_unit}"
        verdict = {True: "met", False: "MISSED", None: "unknown"}[c.met]
        parts.append(f"{c.label} {value} <= {c.limit:g}{limit_unit}: {verdict}")
    return f"targets ({system}): " + "; ".join(parts)
