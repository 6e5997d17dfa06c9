"""``IngestionEngine``: the providers registered in this process, and everything done to them.

* ``tick(name)`` — one step of the provider's state machine under its lease (another replica
  holding it → ``StepResult("busy")``);
* ``run_cycle(name)`` — run one full cycle now, back to back without pacing (``ingest
  --once``, benchmarks), and return a :class:`CycleSummary`;
* ``publish(topic, payload)`` / ``apply_delta(provider, added, removed)`` — events and
  immediate writes, recorded in the catalog and the bookkeeping at once;
* admin actions (``trigger``, ``start``, ``cancel``, ``reset``, ``cleanup``, marks, health,
  ``detail``) used by the management API and the CLI. ``trigger``/``start``/``cancel``/
  ``reset`` also wake this process's scheduler at once; other replicas see the change at
  their next tick.

"Known" providers are the registered ones; every per-provider method raises
:class:`UnknownProvider` for any other name.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog import CatalogStore
from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion import admin, state
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.clock import Clock, SystemClock
from openchoreo_catalog.ingestion.context import EngineContext, PageHook
from openchoreo_catalog.ingestion.cycle import CycleSummary
from openchoreo_catalog.ingestion.engine import ProviderEngine, StepResult
from openchoreo_catalog.ingestion.errors import ProviderBusy, UnknownProvider
from openchoreo_catalog.ingestion.events import DeltaResult, apply_delta
from openchoreo_catalog.ingestion.lease import Lease, Leases
from openchoreo_catalog.ingestion.metrics import EngineMetrics
from openchoreo_catalog.ingestion.progress import provider_detail
from openchoreo_catalog.ingestion.protocol import (
    EventDelta,
    IncrementalEntityProvider,
    IncrementalOptions,
)
from openchoreo_catalog.ingestion.records import Mark
from openchoreo_catalog.ingestion.tables import NAME_MAX

logger = logging.getLogger(__name__)

LEASE_MARGIN = 60.0
"""Seconds a lease outlives ``burst_length`` after its last renewal (Backstage: 1 minute)."""


def default_replica_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class IngestionEngine:
    """Registered providers over one database and catalog."""

    def __init__(
        self,
        db: Database,
        store: CatalogStore | None = None,
        *,
        clock: Clock | None = None,
        metrics: EngineMetrics | None = None,
        replica: str | None = None,
        lease_margin: float = LEASE_MARGIN,
        page_hook: PageHook | None = None,
    ) -> None:
        self.ctx = EngineContext(
            db=db,
            store=store or CatalogStore(db),
            clock=clock or SystemClock(),
            metrics=metrics or EngineMetrics(),
            replica=replica or default_replica_id(),
            page_hook=page_hook,
        )
        self.leases = Leases(db, self.ctx.clock, self.ctx.replica)
        self.lease_margin = lease_margin
        self._engines: dict[str, ProviderEngine] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._local: dict[str, asyncio.Lock] = {}

    # -- registry --------------------------------------------------------------------------

    def register(
        self, provider: IncrementalEntityProvider[Any], options: IncrementalOptions | None = None
    ) -> ProviderEngine:
        name = provider.name
        if not name or len(name) > NAME_MAX:
            raise ValueError(f"a provider name is 1 to {NAME_MAX} characters")
        if name in self._engines:
            raise ValueError(f"a provider named '{name}' is already registered")
        engine = ProviderEngine(provider, options or IncrementalOptions(), self.ctx)
        self._engines[name] = engine
        return engine

    @property
    def names(self) -> list[str]:
        return sorted(self._engines)

    def engine(self, name: str) -> ProviderEngine:
        try:
            return self._engines[name]
        except KeyError:
            raise UnknownProvider(name) from None

    def options(self, name: str) -> IncrementalOptions:
        return self.engine(name).options

    @property
    def db(self) -> Database:
        return self.ctx.db

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    # -- waking the local scheduler ----------------------------------------------------------

    def wake_event(self, name: str) -> asyncio.Event:
        self.engine(name)
        event = self._wake.get(name)
        if event is None:
            event = self._wake[name] = asyncio.Event()
        return event

    def wake(self, name: str) -> None:
        self.wake_event(name).set()

    # -- stepping under the lease ----------------------------------------------------------

    def lease_duration(self, name: str) -> float:
        return self.options(name).burst_length + self.lease_margin

    async def acquire(self, name: str) -> Lease | None:
        return await self.leases.acquire(name, self.lease_duration(name))

    async def tick(
        self, name: str, *, stop: asyncio.Event | None = None, paced: bool = True
    ) -> StepResult:
        """One step of provider ``name`` under its lease."""
        engine = self.engine(name)
        lock = self._local.setdefault(name, asyncio.Lock())
        if lock.locked():
            return StepResult("busy")
        async with lock:
            lease = await self.acquire(name)
            if lease is None:
                return StepResult("busy")
            try:
                return await engine.step(lease, holder=lease.holder, paced=paced, stop=stop)
            finally:
                await self.leases.release(lease)

    async def run_cycle(self, name: str, *, stop: asyncio.Event | None = None) -> CycleSummary:
        """Run one complete cycle of ``name`` now, steps back to back without pacing.

        A resting (or never run) provider starts a new cycle; one in the middle of a cycle
        finishes that cycle. Returns when the cycle rests, fails (it then backs off as usual,
        and the next run resumes it), or ``stop`` is set. Raises :class:`ProviderBusy` when
        another replica holds the lease.
        """
        engine = self.engine(name)
        clock = self.ctx.clock
        began = clock.now()
        lock = self._local.setdefault(name, asyncio.Lock())
        async with lock:
            lease = await self.acquire(name)
            if lease is None:
                raise ProviderBusy(name)
            try:
                first = await engine.current()
                skip = first.id if first and first.next_action in (st.REST, st.CANCEL) else None
                idle = 0
                while True:
                    result = await engine.step(lease, holder=lease.holder, paced=False, stop=stop)
                    record = result.record
                    if result.action in ("backoff", "lease lost", "duplicate", "unknown"):
                        error = result.error or f"the step ended with '{result.action}'"
                        return CycleSummary.of(
                            name, record, completed=False, duration=clock.now() - began,
                            error=error,
                        )  # fmt: skip
                    if record is not None and record.next_action == st.REST and record.id != skip:
                        return CycleSummary.of(
                            name, record, completed=True, duration=clock.now() - began, error=None
                        )
                    if stop is not None and stop.is_set():
                        return CycleSummary.of(
                            name, record, completed=False, duration=clock.now() - began,
                            error="stopped before the cycle completed",
                        )  # fmt: skip
                    idle = idle + 1 if result.burst is None else 0
                    if idle > 10:
                        return CycleSummary.of(
                            name, record, completed=False, duration=clock.now() - began,
                            error=f"no progress (last step: {result.action})",
                        )  # fmt: skip
            finally:
                await self.leases.release(lease)

    # -- events and immediate writes ---------------------------------------------------------

    def handles(self, topic: str) -> bool:
        """Whether any registered provider's event handler takes ``topic``."""
        return any(self._handlers(topic))

    def _handlers(self, topic: str) -> list[ProviderEngine]:
        found = []
        for engine in self._engines.values():
            handler = engine.provider.event_handler
            if handler is not None and topic in handler.topics():
                found.append(engine)
        return found

    async def publish(self, topic: str, payload: Mapping[str, Any]) -> list[DeltaResult]:
        """Hand an event to every provider handling ``topic``; apply the deltas they return."""
        results: list[DeltaResult] = []
        for engine in self._handlers(topic):
            handler = engine.provider.event_handler
            assert handler is not None
            outcome = await handler.on_event(topic, payload)
            if isinstance(outcome, EventDelta):
                results.append(
                    await apply_delta(self.ctx, engine.name, outcome.added, outcome.removed)
                )
        return results

    async def apply_delta(
        self,
        provider: str,
        added: Sequence[Mapping[str, Any]] = (),
        removed: Sequence[str] = (),
    ) -> DeltaResult:
        """Write entities for ``provider`` now (catalog and bookkeeping, one transaction)."""
        self.engine(provider)
        return await apply_delta(self.ctx, provider, added, removed)

    # -- admin actions ---------------------------------------------------------------------

    async def _admin(self, name: str, what: str, fn: Any) -> Any:
        self.engine(name)
        result = await self.ctx.db.run(fn, operation=f"{what} provider {name}")
        self.wake(name)
        return result

    async def trigger(self, name: str) -> bool:
        """Make the provider's next action due now; False when it has no cycle yet."""
        now = self.clock.now()
        record = await self._admin(name, "trigger", lambda c: admin.trigger(c, name, now))
        return record is not None

    async def start(self, name: str) -> str:
        now = self.clock.now()
        result: str = await self._admin(name, "start", lambda c: admin.start(c, name, now))
        return result

    async def cancel(self, name: str) -> str:
        now = self.clock.now()
        result: str = await self._admin(name, "cancel", lambda c: admin.cancel(c, name, now))
        return result

    async def reset(self, name: str) -> admin.Purged:
        now = self.clock.now()
        result: admin.Purged = await self._admin(name, "reset", lambda c: admin.reset(c, name, now))
        return result

    async def cleanup(self) -> admin.Purged:
        now = self.clock.now()
        rests = {name: e.options.rest_length for name, e in self._engines.items()}
        result = await self.ctx.db.run(
            lambda c: admin.cleanup(c, rests, now), operation="clean up every provider"
        )
        for name in self._engines:
            self.wake(name)
        return result

    async def health(self) -> list[str]:
        """Providers with more than one unfinished cycle (empty when healthy)."""
        return await self.ctx.db.run(
            state.duplicate_open, operation="check ingestion health", readonly=True
        )

    async def marks(self, name: str) -> tuple[str | None, list[Mark]]:
        """The open cycle's id and its marks, newest first."""
        self.engine(name)

        async def read(conn: AsyncConnection) -> tuple[str | None, list[Mark]]:
            record = await state.open_record(conn, name)
            if record is None:
                return None, []
            return record.id, await state.all_marks(conn, record.id)

        return await self.ctx.db.run(read, operation=f"read marks of {name}", readonly=True)

    async def clear_marks(self, name: str) -> int:
        self.engine(name)
        return await self.ctx.db.run(
            lambda c: admin.clear_marks(c, name), operation=f"clear marks of {name}"
        )

    async def current_id(self, name: str) -> str | None:
        """The id of the provider's open cycle (None before its first)."""
        record = await self.engine(name).current()
        return None if record is None else record.id

    async def detail(self, name: str) -> dict[str, Any]:
        self.engine(name)
        now = self.clock.now()
        return await self.ctx.db.run(
            lambda c: provider_detail(c, name, now),
            operation=f"read the status of provider {name}",
            readonly=True,
        )
