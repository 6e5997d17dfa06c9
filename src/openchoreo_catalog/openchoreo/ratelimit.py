"""``maxRequestsPerSecond``: at most that many requests start in any one-second window.

A leaky bucket (``aiolimiter``) lets a full bucket through at once and keeps leaking while
it does, so an idle client — every burst starts with a fresh one — sent up to twice its
budget in its first second (measured by ``bench/run.py``: 34 requests in one second against
a budget of 20). This limiter keeps the start times of the last ``capacity`` requests and
lets a request start only when fewer than ``capacity`` started within the last ``period``.
Times are taken when a request is let through, after any sleep, so a late wake-up can
never squeeze an extra request into a window. Waiters queue on a lock, first come first
served, and only the head of the queue sleeps.

Starts are also spaced at least ``period / capacity`` apart (50 ms at 20 per second): a
window's whole budget sent at once reaches the server bunched with the next window's
first requests whenever the network or the server delays a few, and the server saw 24 in
one sliding second against a budget of 20. Evenly spaced starts leave every request that
slack.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Callable


class WindowRateLimiter:
    """At most ``rate`` request starts per second, in every window, not on average.

    A whole number of requests per window: ``floor(rate)`` per second for a rate of 1 or
    more (2.5 allows 2 per second: never over budget), one per ``1 / rate`` seconds below.
    """

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.capacity = max(1, math.floor(rate))
        self.period = max(1.0, self.capacity / rate)
        self.spacing = self.period / self.capacity
        self._clock = clock
        self._starts: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Return when a request may start now without breaking the budget."""
        async with self._lock:
            while True:
                now = self._clock()
                starts = self._starts
                while starts and now - starts[0] >= self.period:
                    starts.popleft()
                gap_ends = starts[-1] + self.spacing if starts else now
                if len(starts) < self.capacity and gap_ends <= now:
                    starts.append(now)
                    return
                window_ends = starts[0] + self.period if len(starts) >= self.capacity else now
                await asyncio.sleep(max(window_ends, gap_ends) - now)
