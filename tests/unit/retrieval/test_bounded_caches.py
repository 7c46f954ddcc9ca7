"""Caches bounded by the bytes they hold: the tokenizer's, the build's title and piece
caches, and what spelling correction looks up; none grows with what users type."""

from __future__ import annotations

import random

import pytest

from retrieval.answer.spelling import max_distance
from retrieval.index import term_counts
from retrieval.index.term_counts import TermCounter
from retrieval.index.vocabulary import Vocabulary
from retrieval.text import tokenize
from retrieval.text.bounded import BoundedCache, entry_size
from retrieval.text.tokenize import Tokenizer


def _words(count: int, length: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("abcdefghij") for _ in range(length)) for _ in range(count)]


def test_a_bounded_cache_evicts_the_oldest_past_its_budget() -> None:
    cache: BoundedCache[str, str] = BoundedCache(100_000)
    words = _words(5_000, 12)
    for word in words:
        cache.put(word, word.upper())
    assert cache.bytes <= 100_000
    assert cache.bytes == sum(entry_size(k, v) for k, v in cache.data.items())
    assert words[-1] in cache.data and words[0] not in cache.data  # oldest went first
    cache.put(words[-1], "again")  # replacing an entry does not count it twice
    assert cache.bytes == sum(entry_size(k, v) for k, v in cache.data.items())


def test_the_tokenizer_cache_stays_within_its_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokenize, "_CACHE_BYTES", 1 << 20)
    tokenizer = Tokenizer()
    for word in _words(30_000, 10):
        tokenizer.term(word)
    assert tokenizer._memo.bytes <= 1 << 20
    assert 1_000 < len(tokenizer._memo) < 30_000


def test_long_user_words_are_not_remembered() -> None:
    tokenizer = Tokenizer()
    for word in _words(2_000, 2_000):
        assert tokenizer.term(word)  # still tokenized, only not cached
    assert len(tokenizer._memo) == 0


def test_spelling_leaves_words_longer_than_any_word_alone() -> None:
    assert max_distance("lavrov") == 2
    assert max_distance("x" * 41) == 0  # never corrected, never looked up in wordfreq


def test_the_piece_cache_is_bounded_by_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(term_counts, "PIECE_CHARS", 50_000)
    counter = TermCounter(Tokenizer(), Vocabulary.empty())
    stream: list[int] = []
    counter.add_codes(stream, " ".join(_words(100, 1_000)))
    counter.trim()
    assert not counter._pieces and not counter._raw_ids
