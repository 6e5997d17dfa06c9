"""Time as the engine sees it: injectable, so tests control it instead of sleeping.

``now()`` is wall-clock epoch seconds (it is stored: ``next_action_at``, lease expiry, and
replicas compare it, so it must be the same clock on every machine — not a monotonic one).
``sleep()`` waits; :class:`ManualClock` makes it advance virtual time at once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that moves only when told (``advance``), or when something sleeps on it."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds

    async def sleep(self, seconds: float) -> None:
        self._now += max(0.0, seconds)
        await asyncio.sleep(0)
