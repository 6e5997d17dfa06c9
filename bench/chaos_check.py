"""The verdicts: the catalog against the simulator's ground truth, and the engine's own
records of a cycle (every page committed exactly once).

The catalog is read from the database (the provider's rows, the bodies the API serves) —
at 150,000 entities that is seconds where paging the HTTP API would be minutes — and
compared with :mod:`openchoreo_catalog.simulator.oracle`, which derives the expected
entities from ``/__admin/dataset`` by rules of its own.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import func, select

from chaos_env import PROVIDER
from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import entities
from openchoreo_catalog.ingestion.tables import bookkeeping, bursts, ingestions, marks
from openchoreo_catalog.simulator import AdminClient
from openchoreo_catalog.simulator.oracle import expected, mismatches, ref_of


def async_url(database: str) -> str:
    """The SQLAlchemy URL for a config's connection (a SQLite path or a postgresql:// URL)."""
    if database.startswith("postgresql://"):
        return "postgresql+asyncpg://" + database.removeprefix("postgresql://")
    return f"sqlite+aiosqlite:///{database}"


async def _catalog(url: str) -> dict[str, dict[str, Any]]:
    db = Database.from_url(url)
    try:
        async with db.read() as conn:
            rows = await conn.execute(
                select(entities.c.body).where(entities.c.provider == PROVIDER)
            )
            bodies = [orjson.loads(body) for (body,) in rows]
    finally:
        await db.dispose()
    return {ref_of(body): body for body in bodies}


def catalog(database: str) -> dict[str, dict[str, Any]]:
    """The provider's entities in the catalog, by ref."""
    return asyncio.run(_catalog(async_url(database)))


def dataset(admin: AdminClient) -> dict[str, Any]:
    """The simulator's whole ground truth, fetched an organization at a time (a 150,000-
    entity dataset in one response is slow enough to time the admin client out)."""
    outline = admin.dataset(components=False)
    orgs = [admin.dataset(org["org"]["name"])["orgs"][0] for org in outline["orgs"]]
    return {**outline, "orgs": orgs}


def differences(
    database: str, admin: AdminClient, details: str = "services"
) -> tuple[int, list[str]]:
    """(entities expected, how the catalog differs from the simulator's data — empty: exact)."""
    expectation = expected(dataset(admin), details=details)
    return len(expectation.refs), mismatches(expectation, catalog(database))


@dataclass(frozen=True)
class CycleRecord:
    """What the engine recorded about one cycle, and whether it proves exactly-once."""

    id: str
    pages: int
    entities_seen: int
    entities_removed: int
    removals_rejected: int
    marks: int
    mark_entities: int
    sequences_contiguous: bool
    refs_seen: int
    positions: int
    """Distinct walk positions among the marks (cursors without their continue tokens)."""
    last_error: str | None

    @property
    def pages_applied_twice(self) -> int:
        """Marks whose walk position another mark already holds. A page applied twice (a
        resume from an older cursor than the last commit) ends where its first application
        ended, so this is 0 only if every page was applied once. (Entity counts cannot tell:
        a resume legitimately re-emits the Domains and Systems of the page it re-fetches.)"""
        return self.marks - self.positions

    @property
    def exactly_once(self) -> bool:
        """Marks 0..n-1 once each, at n distinct positions, matching the page counter."""
        return (
            self.sequences_contiguous
            and self.pages == self.marks
            and self.mark_entities == self.entities_seen
            and self.pages_applied_twice == 0
        )


async def _cycle(url: str, ingestion_id: str) -> CycleRecord:
    db = Database.from_url(url)
    try:
        async with db.read() as conn:
            row = (
                await conn.execute(select(ingestions).where(ingestions.c.id == ingestion_id))
            ).one()
            rows = (
                await conn.execute(
                    select(marks.c.sequence, marks.c.cursor).where(
                        marks.c.ingestion_id == ingestion_id
                    )
                )
            ).all()
            mark_entities = await conn.scalar(
                select(func.coalesce(func.sum(marks.c.entity_count), 0)).where(
                    marks.c.ingestion_id == ingestion_id
                )
            )
            seen = await conn.scalar(
                select(func.count())
                .select_from(bookkeeping)
                .where(
                    bookkeeping.c.provider_name == PROVIDER,
                    bookkeeping.c.last_seen_ingestion == ingestion_id,
                )
            )
    finally:
        await db.dispose()
    sequences = sorted(sequence for sequence, _ in rows)
    positions = {orjson.dumps(_position(orjson.loads(c) if c else None)) for _, c in rows}
    return CycleRecord(
        id=ingestion_id,
        pages=row.pages,
        entities_seen=row.entities_seen,
        entities_removed=row.entities_removed,
        removals_rejected=row.removals_rejected,
        marks=len(sequences),
        mark_entities=int(mark_entities or 0),
        sequences_contiguous=sequences == list(range(len(sequences))),
        refs_seen=int(seen or 0),
        positions=len(positions),
        last_error=row.last_error,
    )


def _position(cursor: Any) -> Any:
    """The cursor without continue tokens (``page``, ``next``: they embed a timestamp)."""
    if isinstance(cursor, dict):
        return {k: _position(v) for k, v in sorted(cursor.items()) if k not in ("page", "next")}
    return cursor


def cycle(database: str, ingestion_id: str) -> CycleRecord:
    return asyncio.run(_cycle(async_url(database), ingestion_id))


def verdict(problems: list[str]) -> str:
    """The first few differences, for a FAIL line."""
    return "; ".join(problems[:3]) + (f" (+{len(problems) - 3} more)" if len(problems) > 3 else "")


@dataclass(frozen=True)
class BurstRow:
    holder: str
    started_at: float
    ended_at: float | None
    outcome: str


async def _bursts(url: str) -> list[BurstRow]:
    db = Database.from_url(url)
    try:
        async with db.read() as conn:
            rows = await conn.execute(
                select(bursts.c.holder, bursts.c.started_at, bursts.c.ended_at, bursts.c.outcome)
                .where(bursts.c.provider_name == PROVIDER)
                .order_by(bursts.c.started_at)
            )
            return [BurstRow(*row) for row in rows]
    finally:
        await db.dispose()


def burst_log(database: str) -> list[BurstRow]:
    """The engine's burst log (who burst when), oldest first."""
    return asyncio.run(_bursts(async_url(database)))


def overlaps(rows: list[BurstRow]) -> list[str]:
    """Pairs of bursts that overlapped in time, and bursts never closed."""
    problems = [f"burst of {row.holder} never closed" for row in rows if row.ended_at is None]
    for before, after in itertools.pairwise(rows):
        if before.ended_at is not None and after.started_at < before.ended_at:
            problems.append(
                f"{after.holder} started {before.ended_at - after.started_at:.3f} s before "
                f"{before.holder} ended"
            )
    return problems
