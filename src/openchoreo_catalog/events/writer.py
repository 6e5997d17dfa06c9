"""Group commit for the inbox: many concurrent requests, one transaction.

Each accepted event must be durable before its 202, but a transaction per event would cap
acceptance at the database's commit rate (a few hundred per second on SQLite with a real
disk). Requests append their row to a shared list; one task commits everything waiting in a
single multi-row INSERT and then resolves every request's future. While that commit runs,
new requests gather for the next one, so the batch size grows with the load by itself.

If the commit fails, every request of that batch gets the error (the HTTP layer answers 503)
and nothing was accepted. A retried commit whose first attempt did commit after all stores
those events twice; the drainer merges and the handlers are idempotent, so that costs
nothing but a second read.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from typing import Any

from openchoreo_catalog.db import Database
from openchoreo_catalog.events import inbox

MAX_BATCH = 1_000


class InboxWriter:
    def __init__(self, db: Database, *, max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.max_batch = max_batch
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        self.commits = 0
        """Transactions committed so far (for tests and benchmarks)."""

    async def append(self, topic: str, payload: str, received_at: float) -> None:
        """Return once the event is committed to the inbox; raise if it could not be."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append(
            ({"topic": topic, "payload": payload, "received_at": received_at}, future)
        )
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._flush(), name="event-inbox-writer")
        await future

    async def aclose(self) -> None:
        """Wait for the commit in progress and everything still waiting."""
        task = self._task
        if task is not None:
            with contextlib.suppress(Exception):
                await task

    async def _flush(self) -> None:
        while self._waiting:
            batch = self._waiting[: self.max_batch]
            del self._waiting[: self.max_batch]
            rows = [row for row, _ in batch]
            try:
                await self.db.run(
                    functools.partial(inbox.append, rows=rows), operation="accept events"
                )
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            self.commits += 1
            for _, future in batch:
                if not future.done():
                    future.set_result(None)
