"""A cache bounded by the bytes it holds: a plain dict for lookups, and `put`, which counts
each entry's size and evicts the oldest entries once the budget is passed.

Lookups go to `data` directly (a plain dict's `get` is twice as fast as a subclass's), so
only inserting pays for the bound. The oldest entries go first (insertion order), down to
three quarters of the budget, so eviction runs once per many inserts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
ENTRY_OVERHEAD = 100  # a dict slot and its share of the table, roughly, on 64-bit CPython


def entry_size(key: object, value: object) -> int:
    """Return the bytes an entry holds: its key, its value, and the dict's slot."""
    return sys.getsizeof(key) + sys.getsizeof(value) + ENTRY_OVERHEAD


class BoundedCache(Generic[K, V]):
    """A dict of at most about max_bytes; the oldest entries are evicted first."""

    def __init__(self, max_bytes: int, size: Callable[[K, V], int] = entry_size) -> None:
        self.data: dict[K, V] = {}
        self.max_bytes = max_bytes
        self.bytes = 0
        self._size = size

    def put(self, key: K, value: V) -> None:
        """Remember value for key, evicting the oldest entries if the budget is passed."""
        old = self.data.pop(key, None)
        if old is not None:
            self.bytes -= self._size(key, old)
        self.data[key] = value
        self.bytes += self._size(key, value)
        if self.bytes > self.max_bytes:
            self._evict(self.max_bytes * 3 // 4)

    def _evict(self, target: int) -> None:
        gone: list[K] = []
        for key, value in self.data.items():  # oldest first
            if self.bytes <= target:
                break
            self.bytes -= self._size(key, value)
            gone.append(key)
        for key in gone:
            del self.data[key]

    def clear(self) -> None:
        """Forget everything."""
        self.data.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self.data)
