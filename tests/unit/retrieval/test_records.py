"""The source table: columns in, the same records out, saved and adopted alike."""

from __future__ import annotations

import json

import numpy as np

from retrieval.index.records import SourceColumns, SourceRecord, SourceTable
from retrieval.model import SourceMeta


def _table() -> SourceTable:
    columns = SourceColumns()
    metas = [
        SourceMeta("a.txt", "Kerry in Sochi", "Jane Roe", "IDSA", "2015", "https://x.org"),
        SourceMeta("d.jsonl#1", "d.jsonl#1", titled=False),  # a file-name label: not stored
        SourceMeta("d.jsonl#2", "Ann Lee, RIAC", "Ann Lee", "RIAC", titled=False),
        SourceMeta("e.txt", "Zeitung", date="2019"),
    ]
    origins = ["/a.txt", "/d.jsonl", "/d.jsonl", "/e.txt"]
    languages = ["en", None, "ru", "de"]
    for i, (meta, origin, language) in enumerate(zip(metas, origins, languages, strict=True)):
        columns.append(meta, (2 * i, 2, 3 * i, 3), origin, language)  # consecutive rows
    return columns.table()


def test_records_come_back_as_they_went_in() -> None:
    table = _table()
    assert len(table) == 4 and table.files == ["a.txt", "d.jsonl#1", "d.jsonl#2", "e.txt"]
    assert table[1] == SourceRecord(
        SourceMeta("d.jsonl#1", "d.jsonl#1", titled=False), 2, 2, 3, 3, "/d.jsonl", None
    )
    assert table.texts["title"][1] is None  # made again from the file name when asked
    assert [r.meta.title for r in table] == [
        "Kerry in Sochi",
        "d.jsonl#1",
        "Ann Lee, RIAC",
        "Zeitung",
    ]
    assert table[-1].language == "de" and table.row_of("d.jsonl#2") == 2
    assert table.row_of("nope") is None
    assert table.origin_ranges() == {"/a.txt": (0, 1), "/d.jsonl": (1, 3), "/e.txt": (3, 4)}
    assert table.passages_by_language() == {"en": 3, "ru": 3, "de": 3}


def test_saved_columns_and_adopted_rows_are_the_same_records() -> None:
    table = _table()
    arrays, strings = table.columns()
    again = SourceTable.from_columns(arrays, json.loads(json.dumps(strings)))
    assert list(again) == list(table)
    adopted = SourceColumns()
    adopted.append(SourceMeta("z.txt", "Z"), (0, 1, 0, 1), "/z.txt", "fr")
    adopted.extend(table, 1, 3, first_paragraph=1, first_passage=1)
    rows = adopted.table()
    assert [r.meta for r in rows] == [SourceMeta("z.txt", "Z"), table[1].meta, table[2].meta]
    assert [(r.first_paragraph, r.first_passage) for r in rows] == [(0, 0), (1, 1), (3, 4)]
    assert [r.language for r in rows] == ["fr", None, "ru"]
    # A column with no value at all is saved as its length, and read back as nulls.
    arrays, strings = rows.columns()
    assert strings["url"] == {"none": 3} and strings["date"] == {"none": 3}
    assert list(SourceTable.from_columns(arrays, json.loads(json.dumps(strings)))) == list(rows)
    # Languages of the old table no adopted source has are not the index's languages.
    assert rows.passages_by_language() == {"fr": 1, "ru": 3}
    # Nor are the origins of rows not adopted (a removed file leaves no path behind).
    assert rows.origins == ["/z.txt", "/d.jsonl"] and np.array_equal(rows.origin, [0, 1, 1])
