"""Look-ahead for run-once bursts: walk the next pages while the engine writes this one.

Without it a cycle runs list page → details → (engine writes) → next list page, so at 20 ms
per request the list pages alone, which must run one after another, would add their whole
latency on top of the details. A producer task runs :meth:`Walker.step` up to ``depth``
pages ahead and starts their detail fetches at once; :meth:`Prefetcher.take` hands pages out
in order. Each produced page remembers the cursor it started from: if the engine asks for a
page from any other cursor (a retry from an older mark, say), the look-ahead is thrown away
and the walk restarts from the cursor asked for, so the cursor stays the only truth.

Only unpaced bursts use it: a paced burst pauses between pages on purpose.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from openchoreo_catalog.ingestion.protocol import JsonValue
from openchoreo_catalog.providers.openchoreo.assemble import Assembler, Pending
from openchoreo_catalog.providers.openchoreo.cursor import Cursor
from openchoreo_catalog.providers.openchoreo.walker import Walker


@dataclass
class _Produced:
    start: dict[str, JsonValue]
    pending: Pending | None = None
    error: BaseException | None = None


class Prefetcher:
    def __init__(
        self,
        walker: Walker,
        assembler: Assembler,
        depth: int,
        on_restart: Callable[[], None] = lambda: None,
    ) -> None:
        self._walker = walker
        self._assembler = assembler
        self._depth = max(1, depth)
        self._on_restart = on_restart
        self._queue: asyncio.Queue[_Produced] = asyncio.Queue()
        self._space = asyncio.Semaphore(self._depth)
        self._task: asyncio.Task[None] | None = None
        self._next_start: dict[str, JsonValue] | None = None

    async def take(self, cursor: Cursor) -> Pending:
        """The page that starts at ``cursor``."""
        start = cursor.to_json()
        if self._task is None or self._next_start != start:
            await self._restart(cursor)
        produced = await self._queue.get()
        self._space.release()
        if produced.error is not None:
            self._next_start = None  # the producer stopped: a later take starts it again
            raise produced.error
        assert produced.pending is not None
        work = produced.pending.work
        self._next_start = None if work.done else work.cursor.to_json()
        return produced.pending

    async def _restart(self, cursor: Cursor) -> None:
        if self._task is not None:
            self._on_restart()
        await self.aclose()
        self._queue = asyncio.Queue()
        self._space = asyncio.Semaphore(self._depth)
        self._next_start = cursor.to_json()
        self._task = asyncio.create_task(self._produce(cursor))

    async def _produce(self, cursor: Cursor) -> None:
        while True:
            await self._space.acquire()
            start = cursor.to_json()
            try:
                work = await self._walker.step(cursor)
                pending = self._assembler.start(work)
            except Exception as error:  # handed to the consumer, raised from its next()
                self._queue.put_nowait(_Produced(start, error=error))
                return
            self._queue.put_nowait(_Produced(start, pending=pending))
            if work.done:
                return
            cursor = work.cursor

    async def aclose(self) -> None:
        """Stop the producer and every detail fetch it started."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        while not self._queue.empty():
            produced = self._queue.get_nowait()
            if produced.pending is not None:
                produced.pending.cancel()
                await asyncio.gather(*produced.pending.tasks, return_exceptions=True)
