"""Remembering ``totalItems`` briefly, because counting a broad filter costs a scan.

A count is reused while this process has written nothing to the database (every write
transaction bumps ``Database.generation``) and for at most ``COUNT_TTL_S`` seconds, which
bounds how stale it can be when another process or replica writes. Backstage itself fixes
``totalItems`` on a query's first page and carries it in the cursor; this is the same
trade, made for first pages that repeat.
"""

from __future__ import annotations

import time
from collections import OrderedDict

COUNT_TTL_S = 5.0
_MAX_ENTRIES = 1_024


class CountCache:
    def __init__(self, ttl: float = COUNT_TTL_S) -> None:
        self.ttl = ttl
        self._entries: OrderedDict[str, tuple[int, int, float]] = OrderedDict()

    def get(self, key: str, generation: int) -> int | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        count, seen_generation, at = entry
        if seen_generation != generation or time.monotonic() - at > self.ttl:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return count

    def put(self, key: str, generation: int, count: int) -> None:
        self._entries[key] = (count, generation, time.monotonic())
        self._entries.move_to_end(key)
        while len(self._entries) > _MAX_ENTRIES:
            self._entries.popitem(last=False)
