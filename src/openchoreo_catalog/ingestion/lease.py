"""Per-provider leases in the database: at most one replica ticks a provider at a time.

Acquiring is an atomic conditional ``UPDATE … WHERE holder IS NULL OR expires_at <= :now``
(after making sure the row exists), which PostgreSQL and MariaDB re-evaluate after waiting
for a competing writer's lock (READ COMMITTED), and SQLite serializes outright. Each
acquisition bumps a **fencing** counter. Every write of a tick (each page transaction, each
transition) renews the lease with ``UPDATE … WHERE holder = :me AND fencing = :mine``: if a
replica stalled past its expiry and another took over, the stale replica's next write finds
no row, raises :class:`LeaseLost`, and its transaction rolls back whole — it can never commit
a page under someone else's lease.

A lease lasts ``burst_length + margin`` from its last renewal, so a replica that dies frees
its providers that long after its last page.

A release that fails (the database went away mid-tick) leaves the row held by this replica.
The lease is still ours, so the next :meth:`Leases.acquire` renews it under the same fencing
value instead of waiting out its expiry — otherwise a few seconds of database outage would
idle the provider for ``burst_length + margin`` (six minutes at the largest burst length).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import and_, or_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.db import Database, insert_ignore
from openchoreo_catalog.ingestion.clock import Clock
from openchoreo_catalog.ingestion.errors import LeaseLost
from openchoreo_catalog.ingestion.tables import leases


class Fence(Protocol):
    """Checked inside every write transaction of a tick."""

    async def check(self, conn: AsyncConnection) -> None: ...


class _NoFence:
    async def check(self, conn: AsyncConnection) -> None:
        return None


NO_FENCE: Fence = _NoFence()
"""For code that already serializes access itself (single-process tests)."""


@dataclass(frozen=True, slots=True)
class Lease:
    """A held lease; also the fence its holder's transactions check."""

    provider: str
    holder: str
    fencing: int
    duration: float
    clock: Clock

    async def check(self, conn: AsyncConnection) -> None:
        """Renew the lease inside ``conn``'s transaction, or raise :class:`LeaseLost`."""
        result = await conn.execute(
            update(leases)
            .where(
                leases.c.provider_name == self.provider,
                leases.c.holder == self.holder,
                leases.c.fencing == self.fencing,
            )
            .values(expires_at=self.clock.now() + self.duration)
        )
        if not result.rowcount:
            raise LeaseLost(
                f"lease on provider '{self.provider}' was taken over (holder {self.holder})"
            )


class Leases:
    """Acquire and release leases for ``replica``."""

    def __init__(self, db: Database, clock: Clock, replica: str) -> None:
        self.db = db
        self.clock = clock
        self.replica = replica
        self._unreleased: dict[str, Lease] = {}
        """Leases whose release failed: still ours until they expire or are taken over."""

    async def acquire(self, provider: str, duration: float) -> Lease | None:
        """The provider's lease for ``duration`` seconds, or None when another holds it."""
        kept = self._unreleased.pop(provider, None)
        if kept is not None:
            renewed = await self._reclaim(kept, duration)
            if renewed is not None:
                return renewed
        holder = f"{self.replica}/{uuid.uuid4().hex[:8]}"

        async def attempt(conn: AsyncConnection) -> Lease | None:
            await conn.execute(
                insert_ignore(self.db.dialect, leases, ["provider_name"]),
                [{"provider_name": provider, "holder": None, "expires_at": 0.0, "fencing": 0}],
            )
            now = self.clock.now()
            result = await conn.execute(
                update(leases)
                .where(
                    and_(
                        leases.c.provider_name == provider,
                        or_(leases.c.holder.is_(None), leases.c.expires_at <= now),
                    )
                )
                .values(holder=holder, expires_at=now + duration, fencing=leases.c.fencing + 1)
            )
            if not result.rowcount:
                return None
            fencing = await conn.scalar(
                leases.select()
                .with_only_columns(leases.c.fencing)
                .where(leases.c.provider_name == provider)
            )
            return Lease(provider, holder, int(fencing or 0), duration, self.clock)

        return await self.db.run(attempt, operation=f"acquire the lease of provider {provider}")

    async def _reclaim(self, kept: Lease, duration: float) -> Lease | None:
        """Renew a lease this replica failed to release; None if it was taken over since."""
        renewed = Lease(kept.provider, kept.holder, kept.fencing, duration, self.clock)
        try:
            await self.db.run(renewed.check, operation=f"reclaim the lease of {kept.provider}")
        except LeaseLost:
            return None
        return renewed

    async def release(self, lease: Lease) -> None:
        """Give the lease up (a no-op when it was already taken over). If the database
        cannot be reached the lease is remembered, and the next :meth:`acquire` reclaims it."""

        async def release(conn: AsyncConnection) -> None:
            await conn.execute(
                update(leases)
                .where(
                    leases.c.provider_name == lease.provider,
                    leases.c.holder == lease.holder,
                    leases.c.fencing == lease.fencing,
                )
                .values(holder=None, expires_at=0.0)
            )

        try:
            await self.db.run(release, operation=f"release the lease of provider {lease.provider}")
        except Exception:
            self._unreleased[lease.provider] = lease
            raise
