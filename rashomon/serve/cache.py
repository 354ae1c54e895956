"""A bounded cache of page data, emptied by every write.

Why a cache is correct here: while the server runs, nothing but the server can change the store
(DuckDB gives a writing process the file to itself, and a read-only server keeps writers out),
so a page's data stays valid until the server's own next ``POST /articles``. Each entry is the
JSON-ready dict a page function returned for its arguments; ``clear()`` bumps a generation
number so that a read which started before a write cannot store its (older) result after it.
``RASHOMON_SERVE_CACHE`` sets the number of entries (default 4096; 0 turns the cache off, as
``benchmarks/bench_serve.py`` does to measure the uncached path).
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

DEFAULT_SIZE = 4096


def size_from_env() -> int:
    value = os.environ.get("RASHOMON_SERVE_CACHE", "")
    return int(value) if value.strip().isdigit() else DEFAULT_SIZE


class PageCache:
    def __init__(self, size: int = DEFAULT_SIZE):
        self.size = size
        self._data: OrderedDict[Hashable, dict] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0

    def get(self, key: Hashable, compute: Callable[[], dict]) -> dict:
        """The cached value for ``key``, or ``compute()`` (stored unless a write came between)."""
        if self.size <= 0:
            return compute()
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            generation = self._generation
        value = compute()
        with self._lock:
            if generation == self._generation:
                self._data[key] = value
                if len(self._data) > self.size:
                    self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._generation += 1
