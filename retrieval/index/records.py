"""The sources of an index as columns: where each one's rows lie, its file, language and
citation metadata.

A million one-passage documents are a million sources: as objects (a record and its
metadata each, pickled from the workers, written as JSON entries, read back and put in a
dict) they cost more than their passages. Here they are numpy columns and one list of
strings per metadata field, a `SourceRecord` is made only when asked for (`table[i]`), and
the table finds a source by its file name through a dict built on first use.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from retrieval.index.tables import Rows, append_array
from retrieval.ingest.documents import default_title
from retrieval.model import SourceMeta

NO_LANGUAGE = -1
SOURCE_INT_COLUMNS = (
    "first_paragraph",
    "paragraphs",
    "first_passage",
    "passages",
    "origin",
    "language",
)
_TEXT_COLUMNS = ("file", "title", "author", "publisher", "date", "url")


@dataclass(frozen=True)
class SourceRecord:
    """Where one source's rows lie in the tables, and which file it came from."""

    meta: SourceMeta
    first_paragraph: int
    paragraphs: int
    first_passage: int
    passages: int
    origin: str  # the file path it came from (several sources for a .jsonl)
    language: str | None = None  # ISO 639-1, as detected (or configured); None: unknown


class SourceTable(Rows[SourceRecord]):
    """Every source of an index, row n being source number n + 1 (read only)."""

    def __init__(
        self,
        ints: dict[str, npt.NDArray[np.int64]],
        titled: npt.NDArray[np.bool_],
        texts: dict[str, list[str | None]],
        origins: list[str],
        languages: list[str],
    ) -> None:
        self.first_paragraph = ints["first_paragraph"]
        self.paragraphs = ints["paragraphs"]
        self.first_passage = ints["first_passage"]
        self.passages = ints["passages"]
        self.origin = ints["origin"]
        self.language = ints["language"]
        self.titled = titled
        self.texts = texts
        self.files: list[str] = texts["file"]  # type: ignore[assignment]  # never None
        self.origins = origins
        self.languages = languages
        # The rows of the names read so far through `named`: the sources of the passages an
        # answer shows are found without the dict of every name (half a second at 1M).
        self._seen: dict[str, int] = {}
        self.named: Sequence[str] = _NamesSeen(self.files, self._seen)

    def __len__(self) -> int:
        return len(self.files)

    def _row(self, i: int) -> SourceRecord:
        return SourceRecord(
            meta=self.meta(i),
            first_paragraph=int(self.first_paragraph[i]),
            paragraphs=int(self.paragraphs[i]),
            first_passage=int(self.first_passage[i]),
            passages=int(self.passages[i]),
            origin=self.origins[int(self.origin[i])],
            language=self.language_of(i),
        )

    def meta(self, i: int) -> SourceMeta:
        """Return the citation metadata of row i."""
        t = self.texts
        file = self.files[i]
        author, publisher, date = t["author"][i], t["publisher"][i], t["date"][i]
        title = t["title"][i]
        if title is None:  # an untitled source's label, made again from what it is made of
            title = default_title(file, author, publisher, date)
        return SourceMeta(file, title, author, publisher, date, t["url"][i], bool(self.titled[i]))

    def language_of(self, i: int) -> str | None:
        """Return the language of row i (None: unknown)."""
        code = int(self.language[i])
        return None if code == NO_LANGUAGE else self.languages[code]

    @functools.cached_property
    def _rows(self) -> dict[str, int]:
        return dict(zip(self.files, range(len(self.files)), strict=True))

    def row_of(self, file: str) -> int | None:
        """Return the row of the source with this file name, or None."""
        row = self._seen.get(file)
        return row if row is not None else self._rows.get(file)

    def origin_ranges(self) -> dict[str, tuple[int, int]]:
        """Return each origin file's rows as (first, end): a file's sources are consecutive."""
        ranges: dict[str, tuple[int, int]] = {}
        if not len(self):
            return ranges
        cuts = np.flatnonzero(np.diff(self.origin)) + 1
        starts = np.concatenate(([0], cuts)).tolist()
        ends = [*starts[1:], len(self)]
        for lo, hi in zip(starts, ends, strict=True):
            ranges[self.origins[int(self.origin[lo])]] = (lo, hi)
        return ranges

    def passages_by_language(self) -> dict[str, int]:
        """Return how many passages the sources of each language have (the languages of
        at least one source)."""
        return dict(self._by_language)

    @functools.cached_property
    def _by_language(self) -> dict[str, int]:
        slots = len(self.languages) + 1  # slot 0: no language known
        sources = np.bincount(self.language + 1, minlength=slots)
        totals = np.bincount(self.language + 1, weights=self.passages, minlength=slots)
        return {lang: int(totals[i + 1]) for i, lang in enumerate(self.languages) if sources[i + 1]}

    def columns(self) -> tuple[dict[str, npt.NDArray[Any]], dict[str, Any]]:
        """Return the numpy columns and the JSON-able rest (strings), for saving."""
        arrays: dict[str, npt.NDArray[Any]] = {k: getattr(self, k) for k in SOURCE_INT_COLUMNS}
        arrays["titled"] = self.titled
        rest: dict[str, Any] = {
            # A column with no value at all (no author in a whole dump) is saved as its
            # length: a million nulls take a twentieth of a second to read back.
            key: {"none": len(column)} if column.count(None) == len(column) else column
            for key, column in self.texts.items()
        }
        rest["origins"], rest["languages"] = self.origins, self.languages
        return arrays, rest

    @classmethod
    def from_columns(cls, arrays: dict[str, Any], rest: dict[str, Any]) -> SourceTable:
        """Return the table `columns` gave (arrays may be memory-mapped)."""
        ints = {k: np.asarray(arrays[k], dtype=np.int64) for k in SOURCE_INT_COLUMNS}
        texts = {k: _text_column(rest[k]) for k in _TEXT_COLUMNS}
        if any(len(v) != len(ints["origin"]) for v in texts.values()):
            raise ValueError("the source columns differ in length")
        titled = np.asarray(arrays["titled"], dtype=bool)
        return cls(ints, titled, texts, list(rest["origins"]), list(rest["languages"]))


def _text_column(saved: Any) -> list[str | None]:
    """Return a text column as `columns` saved it: its values, or {"none": length}."""
    if isinstance(saved, dict):
        blanks = saved.get("none")
        if type(blanks) is not int or blanks < 0:
            raise ValueError(f"a text column saved as {saved!r}")
        return [None] * blanks
    return saved if type(saved) is list else list(saved)  # a list read from JSON: its own


class SourceColumns:
    """A SourceTable being built: sources appended one by one, or a table's rows at once."""

    def __init__(self) -> None:
        self._ints = {k: array("q") for k in SOURCE_INT_COLUMNS}
        self._titled = array("b")
        self._texts: dict[str, list[str | None]] = {k: [] for k in _TEXT_COLUMNS}
        self._origins: dict[str, int] = {}
        self._languages: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._titled)

    @property
    def files(self) -> list[str]:
        return self._texts["file"]  # type: ignore[return-value]  # never None

    def _origin(self, origin: str) -> int:
        return self._origins.setdefault(origin, len(self._origins))

    def _language(self, language: str | None) -> int:
        if language is None:
            return NO_LANGUAGE
        return self._languages.setdefault(language, len(self._languages))

    def append(
        self,
        meta: SourceMeta,
        rows: tuple[int, int, int, int],
        origin: str,
        language: str | None,
    ) -> None:
        """Add one source: its metadata, (first paragraph, paragraphs, first passage,
        passages), the file it came from and its language."""
        ints = self._ints
        for key, count in zip(SOURCE_INT_COLUMNS[:4], rows, strict=True):
            ints[key].append(count)
        ints["origin"].append(self._origin(origin))
        ints["language"].append(self._language(language))
        self._titled.append(meta.titled)
        t = self._texts
        title: str | None = meta.title
        if not meta.titled and title == default_title(
            meta.file, meta.author, meta.publisher, meta.date
        ):
            title = None  # made again when asked for: most untitled documents are labelled so
        for key, value in (
            ("file", meta.file),
            ("title", title),
            ("author", meta.author),
            ("publisher", meta.publisher),
            ("date", meta.date),
            ("url", meta.url),
        ):
            t[key].append(value)

    def extend(
        self, table: SourceTable, lo: int, hi: int, first_paragraph: int, first_passage: int
    ) -> None:
        """Add rows lo..hi-1 of a table, their paragraphs and passages now starting at
        first_paragraph and first_passage."""
        if hi <= lo:
            return
        ints = self._ints
        shift_par = first_paragraph - int(table.first_paragraph[lo])
        shift_pas = first_passage - int(table.first_passage[lo])
        append_array(ints["first_paragraph"], table.first_paragraph[lo:hi] + shift_par)
        append_array(ints["paragraphs"], table.paragraphs[lo:hi])
        append_array(ints["first_passage"], table.first_passage[lo:hi] + shift_pas)
        append_array(ints["passages"], table.passages[lo:hi])
        origin = table.origin[lo:hi]
        origin_map = _code_map(origin, table.origins, self._origin)
        append_array(ints["origin"], origin_map[origin])
        language = table.language[lo:hi]
        language_map = _code_map(language, table.languages, self._language)
        append_array(ints["language"], language_map[language])  # NO_LANGUAGE maps to the last
        self._titled.frombytes(np.ascontiguousarray(table.titled[lo:hi], np.int8).tobytes())
        for key in _TEXT_COLUMNS:
            self._texts[key].extend(table.texts[key][lo:hi])

    def table(self) -> SourceTable:
        """Return the sources so far as a table (a copy: adding more leaves it as it is)."""
        ints = {k: np.array(v, dtype=np.int64) for k, v in self._ints.items()}
        titled = np.array(self._titled, dtype=np.int8).astype(bool)
        texts = {k: list(v) for k, v in self._texts.items()}
        return SourceTable(ints, titled, texts, list(self._origins), list(self._languages))


class _NamesSeen(Rows[str]):
    """The sources' file names by row, each name read noted with its row (names are unique)."""

    def __init__(self, files: list[str], seen: dict[str, int]) -> None:
        self._files = files
        self._seen = seen

    def __len__(self) -> int:
        return len(self._files)

    def _row(self, i: int) -> str:
        name = self._files[i]
        self._seen[name] = i
        return name


def _code_map(
    codes: npt.NDArray[np.int64], names: list[str], register: Callable[[str], int]
) -> npt.NDArray[np.int64]:
    """Return old code -> new code for the codes used (NO_LANGUAGE, the last slot, stays):
    names no adopted row has are not registered, so a removed file leaves no origin."""
    mapping = np.full(len(names) + 1, NO_LANGUAGE, np.int64)
    for code in np.unique(codes).tolist():  # sorted: the old table's order, deterministic
        if code != NO_LANGUAGE:
            mapping[code] = register(names[code])
    return mapping


def empty_table() -> SourceTable:
    """Return a table of no sources."""
    return SourceColumns().table()


def row_ranges(table: SourceTable, rows: Sequence[int]) -> list[tuple[int, int]]:
    """Return rows (sorted) as runs (first, end) of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row:
            runs[-1] = (runs[-1][0], row + 1)
        else:
            runs.append((row, row + 1))
    return runs
