"""Measure the cleaning against published article text: `sourcebot eval DIR`.

DIR is laid out like shared/data/web-dev: `ground-truth.json` (`{name: {"articleBody",
"url"}}`), `html/NAME.html.gz` (or `.html`) and `text/NAME.txt`, the same page as HTML and
as a text copy. Each page is read and cleaned as a source would be (a text copy with the
other copies of its folder beside it), and the text of its kept paragraphs is scored
against the article as web-dev's README defines: NFKC, lowercase, runs of letters and
digits as tokens, multiset overlap; precision, recall and F1 per page, their mean per
format, the median F1, the worst pages, how many sources found a title, and how many found
the right one (it agrees with a title the HTML page gives itself: page_titles.py).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import statistics
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import SourceError
from retrieval.evaluate.page_titles import page_titles, title_is_right
from retrieval.ingest.documents import to_source
from retrieval.ingest.folders import repeated_lines
from retrieval.ingest.formats import read_documents
from retrieval.ingest.formats.plain import read_text
from retrieval.ingest.policy import SourcePolicy
from retrieval.model import Source
from retrieval.settings import RetrievalSettings

_TOKEN = re.compile(r"[^\W_]+")
WORST = 5
FORMS = ("html", "text")


class ExtractionSetError(SourceError):
    """A folder that is not an extraction set, or a page in it that cannot be scored."""


def tokens(text: str) -> list[str]:
    """Return the scoring tokens of a text: NFKC, lowercase, runs of letters and digits."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def token_scores(kept: str, truth: str) -> tuple[float, float, float]:
    """Return precision, recall and F1 of the kept text's tokens against the truth's."""
    k, t = Counter(tokens(kept)), Counter(tokens(truth))
    if not k or not t:
        return (1.0, 1.0, 1.0) if not k and not t else (0.0, 0.0, 0.0)
    overlap = sum((k & t).values())
    p, r = overlap / sum(k.values()), overlap / sum(t.values())
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass(frozen=True)
class PageScore:
    """How one page in one format was cleaned."""

    page: str
    form: str
    precision: float
    recall: float
    f1: float
    title: str | None  # None: no title found (the source is called by a label)
    title_right: bool = False  # it agrees with a title the HTML page gives itself


@dataclass(frozen=True)
class FormScores:
    """The scores of every page in one format."""

    form: str
    pages: tuple[PageScore, ...]

    def as_json(self) -> dict[str, Any]:
        """Return mean P, R and F1 per page, the median F1, titles found, the worst pages."""
        n = len(self.pages)
        worst = sorted(self.pages, key=lambda s: (s.f1, s.page))[:WORST]
        return {
            "pages": n,
            "precision": statistics.fmean(s.precision for s in self.pages) if n else 0.0,
            "recall": statistics.fmean(s.recall for s in self.pages) if n else 0.0,
            "f1": statistics.fmean(s.f1 for s in self.pages) if n else 0.0,
            "median_f1": statistics.median(s.f1 for s in self.pages) if n else 0.0,
            "titles_found": sum(s.title is not None for s in self.pages) / n if n else 0.0,
            "titles_right": sum(s.title_right for s in self.pages) / n if n else 0.0,
            "worst": [{"page": s.page, "f1": round(s.f1, 4)} for s in worst],
        }


@dataclass(frozen=True)
class ExtractionReport:
    """Scores per format over an extraction set."""

    forms: tuple[FormScores, ...]

    def as_json(self) -> dict[str, Any]:
        """Return {form: scores} for each format the set has."""
        return {f.form: f.as_json() for f in self.forms}


def is_extraction_set(folder: Path) -> bool:
    """Say whether a folder is laid out like web-dev (it has a ground-truth.json)."""
    return (folder / "ground-truth.json").is_file()


def _truth(folder: Path) -> dict[str, str]:
    path = folder / "ground-truth.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ExtractionSetError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("articleBody"), str) for v in data.values()
    ):
        raise ExtractionSetError(
            f'{path}: expected {{"NAME": {{"articleBody": "...", "url": "..."}}, ...}}'
        )
    return {str(k): v["articleBody"] for k, v in data.items()}


def select(names: Sequence[str], pages: str | None) -> list[str]:
    """Return the pages a slice "START:STOP" of the names in order picks (all for None)."""
    ordered = sorted(names)
    if not pages:
        return ordered
    start, colon, stop = pages.partition(":")
    try:
        return ordered[int(start or 0) : int(stop) if stop else None] if colon else []
    except ValueError:
        raise ExtractionSetError(f"--pages takes START:STOP, e.g. 0:50, not {pages!r}") from None


def evaluate_extraction(
    folder: Path, settings: RetrievalSettings, pages: str | None = None
) -> ExtractionReport:
    """Return the token scores of the cleaned pages of an extraction set, per format."""
    truth = _truth(folder)
    names = select(list(truth), pages)
    if not names:
        raise ExtractionSetError(f"{folder}: no pages selected (--pages {pages})")
    forms = []
    titles = {n: _titles(folder, n) for n in names}
    html = [n for n in names if _html_path(folder, n) is not None]
    if html:
        scores = _html_scores(folder, html, truth, settings)
        forms.append(FormScores("html", tuple(_judged(scores, titles))))
    text = [n for n in names if (folder / "text" / f"{n}.txt").is_file()]
    if text:
        scores = _text_scores(folder, text, truth, settings)
        forms.append(FormScores("text", tuple(_judged(scores, titles))))
    if not forms:
        raise ExtractionSetError(f"{folder}: no html/NAME.html(.gz) or text/NAME.txt pages")
    return ExtractionReport(tuple(forms))


def _html_path(folder: Path, name: str) -> Path | None:
    for suffix in (".html.gz", ".html"):
        path = folder / "html" / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def _titles(folder: Path, name: str) -> list[str]:
    """Return the titles the page's HTML gives itself (none without an HTML page)."""
    path = _html_path(folder, name)
    if path is None:
        return []
    data = path.read_bytes()
    return page_titles(
        (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8", "replace")
    )


def _f1(found: str, reference: str) -> float:
    return token_scores(found, reference)[2]


def _judged(scores: list[PageScore], titles: dict[str, list[str]]) -> list[PageScore]:
    return [
        dataclasses.replace(s, title_right=title_is_right(s.title, titles[s.page], _f1))
        for s in scores
    ]


def _score(name: str, form: str, truth: str, load: Callable[[], Source]) -> PageScore:
    try:
        source = load()
    except SourceError:
        return PageScore(name, form, 0.0, 0.0, 0.0, None)
    kept = "\n".join(p.text for p in source.paragraphs)
    p, r, f = token_scores(kept, truth)
    return PageScore(name, form, p, r, f, source.meta.title if source.meta.titled else None)


def _html_scores(
    folder: Path, names: list[str], truth: dict[str, str], settings: RetrievalSettings
) -> list[PageScore]:
    scores = []
    with tempfile.TemporaryDirectory(prefix="sourcebot-eval-") as tmp:
        for name in names:
            path = _html_path(folder, name)
            if path is None:  # pragma: no cover - names were chosen by this test
                continue
            page = Path(tmp, f"{name}.html")
            data = path.read_bytes()
            page.write_bytes(gzip.decompress(data) if path.suffix == ".gz" else data)
            scores.append(_score(name, "html", truth[name], _loader(page, settings)))
    return scores


def _text_scores(
    folder: Path, names: list[str], truth: dict[str, str], settings: RetrievalSettings
) -> list[PageScore]:
    paths = [folder / "text" / f"{n}.txt" for n in names]
    texts = []
    for path in paths:
        try:
            texts.append(read_text(path))
        except SourceError:
            continue
    repeats = repeated_lines(texts)
    return [
        _score(name, "text", truth[name], _loader(path, settings, repeats))
        for name, path in zip(names, paths, strict=True)
    ]


def _loader(
    path: Path, settings: RetrievalSettings, repeats: frozenset[str] = frozenset()
) -> Callable[[], Source]:
    return lambda: _load(path, settings, repeats)


def _load(path: Path, settings: RetrievalSettings, repeats: frozenset[str] = frozenset()) -> Source:
    """Return a page cleaned as `sourcebot` would clean it."""
    raw = next(iter(read_documents(path, path.name, SourcePolicy("error", echo=False))))
    given = settings.sources.metadata.get(raw.name)
    return to_source(1, raw, given, settings.cleaning, repeats)
