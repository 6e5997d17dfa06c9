"""Ticking every registered provider on its schedule, across replicas.

One loop per provider: tick (under the provider's lease), then sleep until the sooner of
``next_action_at`` and one ``burst_interval`` from now (never less than ``min_interval``,
5 s as Backstage's floor, between ticks that made no progress), waking at once when the
provider is triggered locally. Other replicas notice a trigger at their next tick, since it
lives in the database.

``stop()`` asks every loop to finish: a running burst ends after the page in flight commits
(or, past the grace period, the task is cancelled and that page is rolled back whole); leases
are released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from openchoreo_catalog.ingestion.engine import StepResult
from openchoreo_catalog.ingestion.manager import IngestionEngine

logger = logging.getLogger(__name__)

MIN_INTERVAL = 5.0
_IDLE = ("busy", "waiting", "lease lost", "duplicate", "unknown")


class Scheduler:
    """Runs :meth:`IngestionEngine.tick` for every registered provider until stopped."""

    def __init__(
        self, engine: IngestionEngine, *, min_interval: float = MIN_INTERVAL, grace: float = 30.0
    ) -> None:
        self.engine = engine
        self.min_interval = min_interval
        self.grace = grace
        self._stop = asyncio.Event()
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def running(self) -> bool:
        return any(not task.done() for task in self._tasks.values())

    def start(self) -> None:
        """Start a loop per registered provider (call inside the running event loop)."""
        self._stop.clear()
        for name in self.engine.names:
            if name not in self._tasks or self._tasks[name].done():
                self._tasks[name] = asyncio.create_task(self._loop(name), name=f"ingest:{name}")

    async def stop(self) -> None:
        """Stop every loop: gracefully within ``grace`` seconds, then by cancellation."""
        self._stop.set()
        tasks = [task for task in self._tasks.values() if not task.done()]
        if tasks:
            _done, pending = await asyncio.wait(tasks, timeout=self.grace)
            for task in pending:
                task.cancel()
            for task in pending:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._tasks.clear()

    async def _loop(self, name: str) -> None:
        wake = self.engine.wake_event(name)
        interval = max(self.engine.options(name).burst_interval, self.min_interval)
        while not self._stop.is_set():
            wake.clear()
            result: StepResult | None = None
            try:
                result = await self.engine.tick(name, stop=self._stop)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("tick failed", extra={"provider": name})
            if self._stop.is_set():
                return
            delay = interval if result is None else self._delay(name, result, interval)
            if delay > 0:
                await self._sleep(delay, wake)

    def _delay(self, name: str, result: StepResult, interval: float) -> float:
        record = result.record
        if record is None:
            return interval if result.action in _IDLE else 0.0
        until = record.next_action_at - self.engine.clock.now()
        if until > 0:
            return min(until, interval)
        return interval if result.action in _IDLE else 0.0

    async def _sleep(self, delay: float, wake: asyncio.Event) -> None:
        waiters = [
            asyncio.ensure_future(self.engine.clock.sleep(delay)),
            asyncio.ensure_future(wake.wait()),
            asyncio.ensure_future(self._stop.wait()),
        ]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)


def scheduler_lifespan(
    scheduler: Scheduler,
) -> Callable[[object], AbstractAsyncContextManager[None]]:
    """A start-up/shutdown hook for ``create_app(lifespans=[...])``: the scheduler runs while
    the app serves, and stops gracefully (leases released) when it shuts down."""

    @asynccontextmanager
    async def hook(_context: object) -> AsyncIterator[None]:
        scheduler.start()
        try:
            yield
        finally:
            await scheduler.stop()

    return hook
