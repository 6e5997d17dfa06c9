"""Applying the inbox's events: oldest first, merged per object, deleted once applied.

One replica at a time drains (a lease named ``event-inbox`` in ``ingestion_leases``, renewed
every few seconds while draining and by every batch's commit), so two events about one
object are never applied out of order by two replicas. The lease is short (15 s): after a
crash, another replica — or the restarted one — takes over that soon.

A batch is processed like this:

1. read the oldest rows that may be tried now (``available_at <= now``), in ``id`` order;
2. group them by the object they are about (the key function); each group is handled ONCE,
   with its newest payload — handlers re-read the object from the source, so older events
   about it add nothing — and the handlers of different objects run concurrently (bounded);
3. merge the batch's deltas per provider (a ref both added by one object and removed by
   another stays: additions win, and the next cycle settles any disagreement) and write
   each provider's merged delta in ONE transaction — catalog and sweep bookkeeping — instead
   of one per event;
4. in one transaction (which also renews the lease): delete the rows of applied groups, and
   postpone failed ones with backoff (``attempts + 1``, ``last_error``).

A group whose payload a handler now rejects as malformed (``ValueError``; the ingress checked
it, so only a change of configuration can cause this) is dropped with an error line, as is
an event on a topic no provider handles any more. Everything else is retried, with backoff,
up to ``max_attempts`` times; then it is dropped with an error line and counted (events only
hasten what the next cycle does anyway, so a poison event must not be retried for ever).
When a provider's merged write fails, each object's delta is written on its own, so one
object that cannot be written does not hold back the rest of its batch. Stopping lets the
batch in flight finish (within a grace period; cancelled after it, its rows simply stay in
the inbox).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.db import Database
from openchoreo_catalog.events import inbox
from openchoreo_catalog.events.inbox import InboxRow
from openchoreo_catalog.events.metrics import EventMetrics
from openchoreo_catalog.events.publisher import EventKey, ProviderDelta, Publisher, default_key
from openchoreo_catalog.ingestion.bookkeeping import ref_of
from openchoreo_catalog.ingestion.clock import Clock, SystemClock
from openchoreo_catalog.ingestion.errors import LeaseLost
from openchoreo_catalog.ingestion.lease import Lease, Leases

logger = logging.getLogger(__name__)

LEASE_NAME = "event-inbox"
BACKOFF = (1.0, 5.0, 30.0, 60.0, 300.0)


@dataclass
class _Group:
    key: Hashable
    rows: list[InboxRow]
    outcome: str = "pending"
    """``read`` (deltas known), then ``applied``; or ``dropped`` or ``failed``."""
    error: str | None = None
    deltas: Sequence[ProviderDelta] = ()


@dataclass(frozen=True, slots=True)
class DrainOptions:
    batch_size: int = 256
    concurrency: int = 16
    lease_duration: float = 15.0
    poll_interval: float = 1.0
    publish_timeout: float = 60.0
    backoff: tuple[float, ...] = BACKOFF
    grace: float = 20.0
    max_attempts: int = 10
    """Failed attempts after which an event is dropped (~40 minutes with the backoff)."""


class InboxDrainer:
    """Drains the inbox in the background while started; see the module docstring."""

    def __init__(
        self,
        db: Database,
        publisher: Publisher,
        *,
        key: EventKey = default_key,
        metrics: EventMetrics | None = None,
        clock: Clock | None = None,
        replica: str = "replica",
        options: DrainOptions | None = None,
    ) -> None:
        self.db = db
        self.publisher = publisher
        self.key = key
        self.metrics = metrics or EventMetrics()
        self.clock = clock or SystemClock()
        self.options = options or DrainOptions()
        self.leases = Leases(db, self.clock, replica)
        self.pending = 0
        """Events in the inbox as this replica last knew (the ingress's backpressure)."""
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    # -- life cycle --------------------------------------------------------------------------

    def start(self) -> None:
        self._stop.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="event-inbox-drainer")

    async def stop(self) -> None:
        self._stop.set()
        task, self._task = self._task, None
        if task is None:
            return
        _done, pending = await asyncio.wait([task], timeout=self.options.grace)
        if pending:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def accepted(self, count: int = 1) -> None:
        """An event was just accepted here: count it and drain without waiting for the poll."""
        self.pending += count
        self._wake.set()

    # -- the loop ----------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            delay = self.options.poll_interval
            try:
                delay = await self._cycle()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                logger.warning("event inbox drain failed", extra={"error": str(error)})
            if delay > 0 and not self._stop.is_set():
                await self._sleep(delay)

    async def _cycle(self) -> float:
        """Drain if there is work and the lease is free; return how long to wait next."""
        now = self.clock.now()
        first = await self.db.run(
            inbox.next_available, operation="read the event inbox", readonly=True
        )
        if first is None:
            self.pending = 0
            return self.options.poll_interval
        if first > now:
            return min(self.options.poll_interval, first - now)
        lease = await self.leases.acquire(LEASE_NAME, self.options.lease_duration)
        if lease is None:
            return self.options.poll_interval
        heartbeat = asyncio.create_task(self._renew(lease))
        drain = asyncio.create_task(self._drain(lease))
        try:
            self.pending = await self.db.run(
                inbox.count, operation="count the event inbox", readonly=True
            )
            await asyncio.wait([drain, heartbeat], return_when=asyncio.FIRST_COMPLETED)
            if not drain.done():  # the heartbeat lost the lease: stop after this batch
                logger.warning("event inbox lease lost", extra={"replica": self.leases.replica})
                drain.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drain
        finally:
            heartbeat.cancel()
            drain.cancel()
            await asyncio.gather(heartbeat, drain, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self.leases.release(lease)
        return 0.0

    async def _renew(self, lease: Lease) -> None:
        """Keep the lease while draining; return when it is lost."""
        while True:
            await asyncio.sleep(self.options.lease_duration / 3)
            try:
                await self.db.run(lease.check, operation="renew the event inbox lease")
            except LeaseLost:
                return
            except Exception as error:  # a database hiccup: the next renewal may work
                logger.warning("event inbox lease not renewed", extra={"error": str(error)})

    async def _drain(self, lease: Lease) -> None:
        while not self._stop.is_set():
            now = self.clock.now()
            size = self.options.batch_size
            batch = await self.db.run(
                functools.partial(inbox.next_batch, now=now, limit=size),
                operation="read the event inbox",
                readonly=True,
            )
            if not batch:
                return
            try:
                await self.process(batch, lease)
            except LeaseLost as error:
                logger.warning("event inbox lease lost", extra={"error": str(error)})
                return

    async def _sleep(self, delay: float) -> None:
        waiters = [
            asyncio.ensure_future(self.clock.sleep(delay)),
            asyncio.ensure_future(self._wake.wait()),
            asyncio.ensure_future(self._stop.wait()),
        ]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)

    # -- one batch ---------------------------------------------------------------------------

    async def process(self, batch: Sequence[InboxRow], lease: Lease | None = None) -> None:
        """Apply one batch of rows and settle them (see the module docstring)."""
        started = time.perf_counter()
        groups = self._group(batch)
        limit = asyncio.Semaphore(self.options.concurrency)

        async def read(group: _Group) -> None:
            if group.outcome != "pending":
                return
            async with limit:
                await self._read(group)

        await asyncio.gather(*(read(group) for group in groups))
        await self._apply(groups)
        self._give_up(groups)
        now = self.clock.now()
        await self.db.run(
            lambda conn: self._settle(conn, groups, now, lease),
            operation="settle a batch of the event inbox",
        )
        self._account(groups, now)
        logger.info(
            "events applied",
            extra={
                "events": len(batch),
                "objects": len(groups),
                "applied": sum(len(g.rows) for g in groups if g.outcome == "applied"),
                "failed": sum(len(g.rows) for g in groups if g.outcome == "failed"),
                "seconds": round(time.perf_counter() - started, 3),
                "pending": self.pending,
            },
        )

    def _group(self, batch: Sequence[InboxRow]) -> list[_Group]:
        groups: dict[Hashable, _Group] = {}
        dropped: list[_Group] = []
        for row in batch:
            try:
                key = self.key(row.topic, orjson.loads(row.payload))
            except (ValueError, orjson.JSONDecodeError) as error:
                dropped.append(_Group(row.id, [row], "dropped", str(error)))
                continue
            group = groups.get(key)
            if group is None:
                groups[key] = _Group(key, [row])
            else:
                group.rows.append(row)
        return [*groups.values(), *dropped]

    async def _read(self, group: _Group) -> None:
        newest = group.rows[-1]
        if not self.publisher.handles(newest.topic):
            group.outcome, group.error = "dropped", f"no provider handles '{newest.topic}' now"
            return
        try:
            async with asyncio.timeout(self.options.publish_timeout):
                group.deltas = await self.publisher.deltas(
                    newest.topic, orjson.loads(newest.payload)
                )
        except ValueError as error:
            group.outcome, group.error = "dropped", str(error)
        except Exception as error:
            _fail(group, error)
        else:
            group.outcome = "read"

    async def _apply(self, groups: Sequence[_Group]) -> None:
        """Write the merged deltas of the groups read, one transaction per provider."""
        merged: dict[str, _Merge] = {}
        for group in groups:
            if group.outcome != "read":
                continue
            for delta in group.deltas:
                merged.setdefault(delta.provider, _Merge()).add(group, delta)
        for provider, merge in merged.items():
            added, removed = merge.result()
            try:
                await self.publisher.apply(provider, added, removed)
            except Exception as error:
                if len(merge.groups) == 1:
                    _fail(merge.groups[0], error)
                else:
                    await self._apply_one_by_one(provider, merge)
        for group in groups:
            if group.outcome == "read":
                group.outcome = "applied"

    async def _apply_one_by_one(self, provider: str, batch: _Merge) -> None:
        """Write each group's own delta for ``provider``: only those that fail stay failed.
        A ref another group of the batch adds is still not removed (as in the merged write)."""
        for group in {id(group): group for group in batch.groups}.values():
            if group.outcome != "read":
                continue
            own = _Merge()
            for delta in group.deltas:
                if delta.provider == provider:
                    own.add(group, delta)
            added, removed = own.result()
            try:
                await self.publisher.apply(
                    provider, added, [ref for ref in removed if ref not in batch.added]
                )
            except Exception as error:
                _fail(group, error)

    def _give_up(self, groups: Sequence[_Group]) -> None:
        """Drop the failed groups whose newest event has had its last attempt."""
        for group in groups:
            attempts = group.rows[-1].attempts + 1
            if group.outcome == "failed" and attempts >= self.options.max_attempts:
                group.outcome = "dropped"
                group.error = (
                    f"gave up after {attempts} failed attempts (the next cycle reconciles "
                    f"the object): {group.error}"
                )

    async def _settle(
        self, conn: AsyncConnection, groups: Sequence[_Group], now: float, lease: Lease | None
    ) -> None:
        if lease is not None:
            await lease.check(conn)
        done = [row.id for g in groups if g.outcome in ("applied", "dropped") for row in g.rows]
        await inbox.remove(conn, done, bind_limit=self.db.bind_limit)
        backoff = self.options.backoff
        retries: dict[tuple[float, str], list[int]] = {}
        for group in groups:
            if group.outcome != "failed":
                continue
            for row in group.rows:
                delay = backoff[min(row.attempts, len(backoff) - 1)]
                retries.setdefault((delay, group.error or "failed"), []).append(row.id)
        for (delay, error), ids in retries.items():
            await inbox.postpone(
                conn, ids, until=now + delay, error=error, bind_limit=self.db.bind_limit
            )

    def _account(self, groups: Sequence[_Group], now: float) -> None:
        for group in groups:
            topic = group.rows[-1].topic
            if group.outcome == "applied":
                self.metrics.applied(
                    topic, len(group.rows), (now - row.received_at for row in group.rows)
                )
            elif group.outcome == "failed":
                self.metrics.failed(topic, len(group.rows))
                logger.warning(
                    "event not applied, will retry",
                    extra={"topic": topic, "events": len(group.rows), "error": group.error},
                )
            else:
                self.metrics.dropped(topic, len(group.rows))
                logger.error(
                    "event dropped",
                    extra={"topic": topic, "events": len(group.rows), "error": group.error},
                )
        removed = sum(len(g.rows) for g in groups if g.outcome in ("applied", "dropped"))
        self.pending = max(0, self.pending - removed)


def _fail(group: _Group, error: Exception) -> None:
    group.outcome, group.error = "failed", f"{type(error).__name__}: {error}"


class _Merge:
    """One provider's deltas of a batch, merged: later objects' entities replace earlier
    ones of the same ref, and a ref that any object adds is not removed."""

    def __init__(self) -> None:
        self.groups: list[_Group] = []
        self.added: dict[str, Mapping[str, Any]] = {}
        self.unnamed: list[Mapping[str, Any]] = []
        self.removed: dict[str, None] = {}

    def add(self, group: _Group, delta: ProviderDelta) -> None:
        self.groups.append(group)
        for entity in delta.added:
            ref = ref_of(entity)
            if ref is None:
                self.unnamed.append(entity)  # the catalog rejects it and says why
            else:
                self.added.pop(ref, None)
                self.added[ref] = entity
        for ref in delta.removed:
            self.removed[ref.lower()] = None

    def result(self) -> tuple[list[Mapping[str, Any]], list[str]]:
        removed = [ref for ref in self.removed if ref not in self.added]
        return [*self.added.values(), *self.unnamed], removed
