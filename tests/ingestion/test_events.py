"""Events and immediate writes: the catalog and the bookkeeping change at once, together."""

from __future__ import annotations

import pytest

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.clock import ManualClock
from openchoreo_catalog.ingestion.errors import UnknownProvider
from tests.ingestion.conftest import OPTIONS, MakeEngine
from tests.ingestion.helpers import Handler, ScriptedProvider, active, catalog_refs, comps


async def test_an_added_entity_is_active_and_seen_in_the_open_cycle(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a"), comps("b")], clock=clock, step=5.0)
    provider.handler = Handler()
    engine = make_engine(provider)
    await engine.tick("p")  # page 0, then the burst yields
    open_id = await engine.current_id("p")
    results = await engine.publish("t", {"add": ["b", "event"]})
    assert len(results) == 1
    assert results[0].ingestion_id == open_id
    assert await catalog_refs(database) == {
        "component:default/a", "component:default/b", "component:default/event",
    }  # fmt: skip
    assert (await active(database, "p"))["component:default/event"] == open_id
    clock.advance(OPTIONS.burst_interval)
    await engine.tick("p")  # page 1 ("b") and the sweep: the event's entity was seen
    assert "component:default/event" in await catalog_refs(database)
    clock.advance(OPTIONS.rest_length)
    provider.pages = [comps("a", "b")]
    await engine.tick("p")  # the next cycle does not have it: swept
    assert await catalog_refs(database) == {"component:default/a", "component:default/b"}


async def test_a_removed_entity_leaves_the_catalog_and_the_bookkeeping(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a", "b")], handler=Handler())
    engine = make_engine(provider)
    await engine.tick("p")
    await engine.publish("t", {"remove": ["component:default/b"]})
    assert await catalog_refs(database) == {"component:default/a"}
    assert set(await active(database, "p")) == {"component:default/a"}


async def test_ignored_events_and_other_topics_change_nothing(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    engine = make_engine(ScriptedProvider("p", [comps("a")], handler=Handler()))
    assert engine.handles("t")
    assert not engine.handles("other")
    assert await engine.publish("t", {"neither": 1}) == []
    assert await engine.publish("other", {"add": ["x"]}) == []
    assert await catalog_refs(database) == set()


async def test_apply_delta_before_any_cycle_is_active_but_unseen(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    engine = make_engine(ScriptedProvider("p", [comps("a")]))
    result = await engine.apply_delta("p", added=comps("immediate"))
    assert result.ingestion_id is None
    assert (await active(database, "p")) == {"component:default/immediate": None}
    await engine.tick("p")  # the source does not have it: the first sweep removes it
    assert await catalog_refs(database) == {"component:default/a"}
    with pytest.raises(UnknownProvider):
        await engine.apply_delta("nope", added=comps("x"))


async def test_events_concurrent_with_a_running_cycle_are_all_kept(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    import asyncio

    from openchoreo_catalog.ingestion.protocol import JsonValue, PageResult

    opened = asyncio.Event()

    class Slow(ScriptedProvider):
        async def next(self, context: dict, cursor: JsonValue) -> PageResult:  # type: ignore[override]
            opened.set()
            await asyncio.sleep(0.002)
            return await super().next(context, cursor)

    provider = Slow("p", [comps(*(f"c{i}-{j}" for j in range(5))) for i in range(20)])
    provider.handler = Handler()
    engine = make_engine(provider)

    async def events() -> None:
        # an event before the cycle opens is active but unseen: the cycle would (rightly)
        # sweep it, since this source never has it; these all land while the cycle runs
        await opened.wait()
        for index in range(30):
            await engine.publish("t", {"add": [f"ev{index}"]})
            await asyncio.sleep(0)

    summary, _ = await asyncio.gather(engine.run_cycle("p"), events())
    assert summary.completed
    expected = {f"component:default/c{i}-{j}" for i in range(20) for j in range(5)}
    expected |= {f"component:default/ev{index}" for index in range(30)}
    assert await catalog_refs(database) == expected
    assert set(await active(database, "p")) == expected
