"""The scheduler: ticks on the real clock with short intervals, wakes on trigger, stops
gracefully (polls with deadlines, never sleeps to synchronise)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select

from openchoreo_catalog.api import create_app
from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.management import management_router
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.protocol import IncrementalOptions, JsonValue, PageResult
from openchoreo_catalog.ingestion.scheduler import Scheduler, scheduler_lifespan
from openchoreo_catalog.ingestion.tables import bursts, leases
from tests.fixtures import app as app_fixtures
from tests.ingestion.helpers import ScriptedProvider, catalog_refs, comps

FAST = IncrementalOptions(burst_interval=0.05, burst_length=0.02, rest_length=3600, backoff=(0.05,))


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.01)


class SlowProvider(ScriptedProvider):
    async def next(self, context: dict[str, Any], cursor: JsonValue) -> PageResult:
        await asyncio.sleep(0.01)
        return await super().next(context, cursor)


async def test_the_scheduler_runs_cycles_and_wakes_on_trigger(database: Database) -> None:
    provider = SlowProvider("p", [comps(f"c{i}") for i in range(8)], fail={3})
    engine = IngestionEngine(database, replica="s")
    engine.register(provider, FAST)
    scheduler = Scheduler(engine, min_interval=0.0)

    async def resting() -> bool:
        record = await engine.engine("p").current()
        return record is not None and record.status == st.RESTING

    scheduler.start()
    try:
        await until(resting)
        first = await engine.current_id("p")
        assert len(await catalog_refs(database)) == 8
        provider.pages = [comps("c0")]
        await engine.trigger("p")  # rest over now: the next cycle runs at once

        async def next_cycle_done() -> bool:
            return await engine.current_id("p") != first and await resting()

        await until(next_cycle_done)
        assert await catalog_refs(database) == {"component:default/c0"}
    finally:
        await scheduler.stop()
    assert not scheduler.running
    async with database.read() as conn:
        outcomes = [row.outcome for row in (await conn.execute(select(bursts.c.outcome))).all()]
        holders = [row.holder for row in (await conn.execute(select(leases.c.holder))).all()]
    assert "yielded" in outcomes
    assert "failed" in outcomes
    assert "done" in outcomes
    assert holders == [None]


async def test_stop_ends_a_burst_after_the_page_in_flight(database: Database) -> None:
    started = asyncio.Event()

    class Endless(ScriptedProvider):
        async def next(self, context: dict[str, Any], cursor: JsonValue) -> PageResult:
            started.set()
            await asyncio.sleep(0.01)
            index = int(cursor or 0)  # type: ignore[arg-type]
            self.calls.append(index)
            return PageResult(comps(f"e{index}"), cursor=index + 1)

    engine = IngestionEngine(database, replica="s")
    engine.register(Endless("p", []), IncrementalOptions(burst_length=3600, burst_interval=5))
    scheduler = Scheduler(engine, min_interval=0.0, grace=10.0)
    scheduler.start()
    await asyncio.wait_for(started.wait(), 10)
    await scheduler.stop()
    record = await engine.engine("p").current()
    assert record is not None
    assert record.status == st.INTERSTITIAL
    assert len(await catalog_refs(database)) == record.pages
    async with database.read() as conn:
        rows = (await conn.execute(select(bursts.c.outcome, bursts.c.pages))).all()
    assert [(row.outcome, row.pages) for row in rows] == [("stopped", record.pages)]


async def test_the_app_runs_the_scheduler_while_it_serves(database: Database) -> None:
    provider = ScriptedProvider("p", [comps("a"), comps("b")])
    engine = IngestionEngine(database, replica="app")
    engine.register(provider, FAST)
    scheduler = Scheduler(engine, min_interval=0.0)
    app = create_app(
        app_fixtures.app_settings(),
        database=database,
        routers=[management_router(engine)],
        lifespans=[scheduler_lifespan(scheduler)],
        migrate=False,
    )
    async with app_fixtures.app_client(app) as client:

        async def rested() -> bool:
            response = await client.get("/api/catalog/incremental/providers/p")
            return bool(response.json()["data"]["status"] == st.RESTING)

        await until(rested)
        assert scheduler.running
    assert not scheduler.running
    assert len(await catalog_refs(database)) == 2
