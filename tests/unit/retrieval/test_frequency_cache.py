"""wordfreq's tables cached for a fast start: the same table, a bad copy replaced, an
unwritable folder no failure."""

from __future__ import annotations

from pathlib import Path

import pytest
from wordfreq import available_languages, get_frequency_dict

from retrieval.text import frequency
from retrieval.text.frequency_cache import cached_table, wordlist_files


def test_the_list_files_are_found_as_wordfreq_finds_them() -> None:
    for kind in ("small", "large", "best"):
        assert {code: str(p) for code, p in wordlist_files(kind).items()} == available_languages(
            kind
        )


def test_the_cached_table_is_wordfreqs_and_a_bad_copy_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCEBOT_CACHE", str(tmp_path / "cache"))
    frequency._frequencies.cache_clear()
    try:
        table = frequency._frequencies("de")
        assert table == get_frequency_dict("de")
        (copy,) = (tmp_path / "cache").glob("wordfreq-de-*.marshal")
        copy.write_bytes(b"\x00not marshal")
        frequency._frequencies.cache_clear()
        assert frequency._frequencies("de") == table  # read again from wordfreq, re-cached
        assert copy.read_bytes() != b"\x00not marshal"
    finally:
        frequency._frequencies.cache_clear()


def test_a_folder_that_cannot_be_written_reads_the_list_every_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would be")
    source = wordlist_files("best")["en"]
    calls: list[int] = []

    def build() -> dict[str, float]:
        calls.append(1)
        return {"word": 0.5}

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCEBOT_CACHE", str(blocker / "sub"))
        assert cached_table("en", source, build) == {"word": 0.5}
        assert cached_table("en", source, build) == {"word": 0.5}
    assert len(calls) == 2
