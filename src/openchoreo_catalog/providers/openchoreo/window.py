"""The request window: at most ``maxConcurrentRequests`` requests in flight, lists first.

List pages are the walk's critical path (each needs the token or the parent from the page
before it), while details of a page can run whenever a slot is free. A plain FIFO semaphore
would queue the next list page behind the current page's fifty detail fetches and add a
whole round trip to every step; here a waiting list request takes the next free slot ahead
of any waiting detail, so the list chain runs at the API's latency and the details fill the
remaining slots.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Window:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a window holds at least one request")
        self.size = size
        self._free = size
        self._urgent: deque[asyncio.Future[None]] = deque()
        self._normal: deque[asyncio.Future[None]] = deque()

    @property
    def in_flight(self) -> int:
        return self.size - self._free

    @asynccontextmanager
    async def slot(self, *, urgent: bool = False) -> AsyncIterator[None]:
        await self._acquire(urgent)
        try:
            yield
        finally:
            self._release()

    async def _acquire(self, urgent: bool) -> None:
        if self._free > 0 and not self._urgent and not self._normal:
            self._free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._urgent if urgent else self._normal
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release()  # the slot was handed over just as we were cancelled
            else:
                queue.remove(waiter)
            raise

    def _release(self) -> None:
        for queue in (self._urgent, self._normal):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # the slot passes straight to the waiter
                    return
        self._free += 1
