"""Paragraphs and passages as flat columns: compact in memory, memory-mapped from disk.

A million passages as Python objects would cost gigabytes and seconds to load; here they
are a few numpy arrays and one UTF-8 blob, and a Paragraph or Passage object is made only
when a hit, a quote or a summary needs it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar, overload

import numpy as np
import numpy.typing as npt

from retrieval.model import Paragraph, Passage

NO_VALUE = -1
T = TypeVar("T")


class ParagraphTable:
    """Every paragraph of every source: text, source row, number, section, page."""

    def __init__(
        self,
        text: npt.NDArray[np.uint8],
        offsets: npt.NDArray[np.int64],
        source: npt.NDArray[np.int32],
        number: npt.NDArray[np.int32],
        section: npt.NDArray[np.int32],
        page: npt.NDArray[np.int32],
        sections: Sequence[str],
        files: Sequence[str],
    ) -> None:
        self.text_blob = text
        self.offsets = offsets
        self.source = source
        self.number = number
        self.section = section
        self.page = page
        self.sections = sections
        self.files = files

    def __len__(self) -> int:
        return len(self.number)

    def text(self, row: int) -> str:
        """Return the text of paragraph row."""
        lo, hi = int(self.offsets[row]), int(self.offsets[row + 1])
        return bytes(self.text_blob[lo:hi]).decode("utf-8")

    def text_between(self, first: int, row: int, limit: int) -> str:
        """Return the text of rows first..row-1 run together, at most its last `limit` bytes
        (one slice of the blob: no paragraph is made)."""
        lo, hi = int(self.offsets[first]), int(self.offsets[row])
        return bytes(self.text_blob[max(lo, hi - limit) : hi]).decode("utf-8", "ignore")

    def section_of(self, row: int) -> str | None:
        """Return the section heading of paragraph row, if it has one."""
        sid = int(self.section[row])
        return None if sid == NO_VALUE else self.sections[sid]

    def get(self, row: int) -> Paragraph:
        """Return paragraph row as a Paragraph."""
        page = int(self.page[row])
        return Paragraph(
            source=self.files[int(self.source[row])],
            number=int(self.number[row]),
            text=self.text(row),
            section=self.section_of(row),
            page=None if page == NO_VALUE else page,
        )


class Rows(Sequence[T]):
    """A read-only sequence whose items are made on access from row i (see _row): the
    tables of an index are columns, and an item is an object only when asked for."""

    def _row(self, i: int) -> T:
        raise NotImplementedError

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            return [self._row(j) for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._row(i)

    def __iter__(self) -> Iterator[T]:
        for i in range(len(self)):
            yield self._row(i)


class ParagraphView(Rows[Paragraph]):
    """The paragraphs of one source: rows start..stop of a ParagraphTable."""

    def __init__(self, table: ParagraphTable, start: int, stop: int) -> None:
        self._table, self._start, self._stop = table, start, stop

    def __len__(self) -> int:
        return self._stop - self._start

    def _row(self, i: int) -> Paragraph:
        return self._table.get(self._start + i)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __hash__(self) -> int:
        return hash((id(self._table), self._start, self._stop))

    def __repr__(self) -> str:
        return f"ParagraphView({self._start}:{self._stop})"


class PassageTable(Rows[Passage]):
    """Every passage: its paragraph row, part number, and character span in that paragraph."""

    def __init__(
        self,
        paragraphs: ParagraphTable,
        paragraph: npt.NDArray[np.int32],
        part: npt.NDArray[np.int32],
        start: npt.NDArray[np.int32],
        end: npt.NDArray[np.int32],
    ) -> None:
        self.paragraphs = paragraphs
        self.paragraph = paragraph
        self.part = part
        self.start = start
        self.end = end

    def __len__(self) -> int:
        return len(self.paragraph)

    def _row(self, i: int) -> Passage:
        row = int(self.paragraph[i])
        para = self.paragraphs.get(row)
        return Passage(
            id=i,
            source=para.source,
            paragraph=para.number,
            part=int(self.part[i]),
            text=para.text[int(self.start[i]) : int(self.end[i])],
            section=para.section,
            page=para.page,
        )


def append_array(target: array[int], values: npt.NDArray[Any]) -> None:
    """Append numpy values to an array.array of the same item type, in C: from the
    values' own buffer (a copy through bytes took twice as long)."""
    data = np.ascontiguousarray(values, dtype=np.dtype(target.typecode))
    target.frombytes(data.data.cast("B"))
