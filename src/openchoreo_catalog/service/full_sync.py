"""The full-sync mode's moving parts: its schedule as a background task, and its events.

``openchoreo.mode: full`` runs :class:`OpenChoreoEntityProvider` every
``openchoreo.schedule.frequency`` seconds instead of the engine. It has no cycle state in
the database; each run replaces the provider's entities with one ``full`` mutation. Events
and immediate writes still apply at once, as deltas straight to the store under the
provider's name — the next run keeps what OpenChoreo has and drops the rest, which is the
same promise the incremental mode makes through its sweep.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from typing import Any

from openchoreo_catalog.catalog import CatalogStore, Delta
from openchoreo_catalog.ingestion.protocol import EventDelta, EventHandler
from openchoreo_catalog.providers.openchoreo import OpenChoreoEntityProvider


class FullSyncRunner:
    """Runs the provider's schedule while started; ``stop()`` waits ``grace`` seconds for a
    run in progress (its single mutation commits whole or not at all), then cancels it."""

    def __init__(self, provider: OpenChoreoEntityProvider, *, grace: float = 20.0) -> None:
        self.provider = provider
        self.grace = grace
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stop.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(
                self.provider.run_forever(self._stop), name=f"full-sync:{self.provider.name}"
            )

    async def stop(self) -> None:
        self._stop.set()
        task, self._task = self._task, None
        if task is None:
            return
        _done, pending = await asyncio.wait([task], timeout=self.grace)
        if pending:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class StorePublisher:
    """Events for a provider outside the engine: its handler's deltas go to the store."""

    def __init__(self, handler: EventHandler, store: CatalogStore, provider: str) -> None:
        self.handler = handler
        self.store = store
        self.provider = provider

    def handles(self, topic: str) -> bool:
        return topic in self.handler.topics()

    async def publish(self, topic: str, payload: Mapping[str, Any]) -> object:
        outcome = await self.handler.on_event(topic, payload)
        if isinstance(outcome, EventDelta):
            mutation = Delta(added=list(outcome.added), removed=list(outcome.removed))
            return await self.store.apply_mutation(self.provider, mutation)
        return outcome
