"""A page's mark, bookkeeping, catalog writes and counters commit together or not at all."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Column, Integer, MetaData, String, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.clock import ManualClock
from tests.ingestion.conftest import MakeEngine
from tests.ingestion.helpers import ScriptedProvider, active, catalog_refs, comps, mark_count

applied = Table(
    "test_applied_pages",
    MetaData(),
    Column("ingestion_id", String(36), nullable=False),
    Column("sequence", Integer, nullable=False),
)


async def test_a_page_that_fails_mid_transaction_leaves_no_trace_and_is_applied_once(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    async with database.transaction() as conn:
        await conn.run_sync(lambda sync: applied.create(sync, checkfirst=True))
    failures = {"left": 1}

    async def hook(conn: AsyncConnection, ingestion_id: str, sequence: int) -> None:
        await conn.execute(applied.insert().values(ingestion_id=ingestion_id, sequence=sequence))
        if sequence == 2 and failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("crash inside the page transaction")

    try:
        provider = ScriptedProvider("p", [comps(f"c{i}") for i in range(4)])
        engine = make_engine(provider, page_hook=hook)
        failed = await engine.tick("p")
        assert failed.action == "backoff"
        assert failed.record is not None
        assert failed.record.pages == 2
        assert await mark_count(database, failed.record.id) == 2
        assert await catalog_refs(database) == {"component:default/c0", "component:default/c1"}
        assert set(await active(database, "p")) == await catalog_refs(database)
        clock.advance(1_000)
        done = await engine.tick("p")
        assert done.record is not None
        assert done.record.pages == 4
        async with database.read() as conn:
            rows = (await conn.execute(select(applied.c.sequence))).all()
        assert Counter(row.sequence for row in rows) == {0: 1, 1: 1, 2: 1, 3: 1}
        assert provider.calls == [0, 1, 2, 2, 3]
        assert len(await catalog_refs(database)) == 4
    finally:
        async with database.transaction() as conn:
            await conn.run_sync(lambda sync: applied.drop(sync, checkfirst=True))
