"""The button payload codec: every kind round-trips, fits Telegram's 64 bytes, routes by its
prefix, and anything else decodes to None (never an exception)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import payloads as pl

EXAMPLES: list[pl.Payload] = [
    pl.More("a1b2c", 0),
    pl.More("a1b2c", 30),
    pl.More("a1b2c", 3, 2),
    pl.FromSource("a1b2c", 2, 1),
    pl.Context(2, 13),
    pl.SourceSummary(1),
    pl.Example(0),
    pl.Vote("a1b2c", True),
    pl.Vote("a1b2c", False),
    pl.Remove(3, "0a1b2c3d4e"),
]


@pytest.mark.parametrize("payload", EXAMPLES)
def test_round_trip_within_64_bytes(payload: pl.Payload) -> None:
    data = pl.encode(payload)
    assert pl.decode(data) == payload
    assert len(data.encode()) <= pl.MAX_CALLBACK_BYTES


@pytest.mark.parametrize("payload", EXAMPLES)
def test_each_kind_matches_its_own_pattern_only(payload: pl.Payload) -> None:
    data = pl.encode(payload)
    matching = [kind for kind in pl.KINDS if re.match(pl.pattern(kind), data)]
    assert matching == [type(payload)]


def test_the_wire_format_is_stable() -> None:
    # Buttons already sent keep working across versions: the strings must not change.
    assert [pl.encode(p) for p in EXAMPLES] == [
        "m:a1b2c:0",
        "m:a1b2c:30",
        "m:a1b2c:3:2",
        "f:a1b2c:2:1",
        "c:2:13",
        "s:1",
        "x:0",
        "v:a1b2c:1",
        "v:a1b2c:0",
        "r:3:0a1b2c3d4e",
    ]


@pytest.mark.parametrize(
    "data",
    [
        *(None, "", "m", "m:", "m:q", "m:q:x", "m:q:1:x", "m:q:1:2:3", "f:q:1", "f:q:a:1"),
        *("c:1", "c:a:b", "s:", "x:1:2", "v:q:2", "z:1", "r:1", "r:a:b", "r:1:2:3"),
        # forged numbers: too deep, negative, signed, with separators or non-ASCII digits
        *("m:q:1000000000", "m:q:61", "m:q:-3", "m:q:+3", "c:1_000:2", "s:٣", "m:q q:1"),
        *("f:q:1:61", "f:q:-1:3"),
    ],
)
def test_foreign_or_broken_data_decodes_to_none(data: str | None) -> None:
    assert pl.decode(data) is None


@given(st.text(max_size=64))
def test_decode_never_raises(data: str) -> None:
    payload = pl.decode(data)
    assert payload is None or isinstance(payload, pl.KINDS)
