"""The sweep: self-healing removal across cycles, both safety limits, degraded cycles,
provider-scoped bookkeeping, and invalid entities counted as seen."""

from __future__ import annotations

from dataclasses import replace

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion import bookkeeping
from openchoreo_catalog.ingestion.clock import ManualClock
from openchoreo_catalog.ingestion.protocol import IncrementalOptions
from tests.fixtures.entities import component
from tests.ingestion.conftest import OPTIONS, MakeEngine
from tests.ingestion.helpers import ScriptedProvider, active, catalog_refs, comps


def refs(*names: str) -> set[str]:
    return {f"component:default/{name}" for name in names}


async def cycle(
    make_engine: MakeEngine,
    clock: ManualClock,
    names: list[str],
    options: IncrementalOptions = OPTIONS,
    *,
    degraded: bool = False,
    name: str = "p",
) -> dict:
    """A fresh engine (as Backstage's runCycle) runs one complete cycle of ``names``."""
    provider = ScriptedProvider(name, [comps(*names)], degraded={0} if degraded else set())
    engine = make_engine(provider, options=options)
    summary = await engine.run_cycle(name)
    assert summary.completed, summary.error
    clock.advance(options.rest_length)
    return summary.to_json()


async def test_stale_entities_are_removed_after_a_rejected_cycle_self_healing(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    """Backstage's multi-cycle case: rejected in cycle 2, removed in cycle 3."""
    await cycle(make_engine, clock, ["comp1", "comp2", "comp3"])
    assert set(await active(database, "p")) == refs("comp1", "comp2", "comp3")
    second = await cycle(
        make_engine,
        clock,
        ["comp1", "comp2"],
        replace(OPTIONS, reject_removals_above_percentage=10),
    )
    assert second["removals_rejected"] == 1
    assert "1 of 3 entities (33.3 %)" in second["rejection"]
    assert set(await active(database, "p")) == refs("comp1", "comp2", "comp3")
    assert await catalog_refs(database) == refs("comp1", "comp2", "comp3")
    third = await cycle(make_engine, clock, ["comp1", "comp2"])
    assert third["removed"] == 1
    assert set(await active(database, "p")) == refs("comp1", "comp2")
    assert await catalog_refs(database) == refs("comp1", "comp2")


async def test_percentage_is_measured_against_the_entities_before_the_sweep(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    names = [f"c{i:03d}" for i in range(100)]
    await cycle(make_engine, clock, names)
    at_limit = replace(OPTIONS, reject_removals_above_percentage=50)
    allowed = await cycle(make_engine, clock, names[:50], at_limit)
    assert (allowed["removed"], allowed["rejection"]) == (50, None)
    await cycle(make_engine, clock, names)
    rejected = await cycle(make_engine, clock, names[:49], at_limit)
    assert rejected["removed"] == 0
    assert "51 of 100 entities (51.0 %)" in rejected["rejection"]
    assert len(await catalog_refs(database)) == 100


async def test_an_empty_source_is_rejected_when_configured(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    await cycle(make_engine, clock, ["a", "b"])
    guarded = replace(OPTIONS, reject_empty_source_collections=True)
    rejected = await cycle(make_engine, clock, [], guarded)
    assert "rejectEmptySourceCollections" in rejected["rejection"]
    assert await catalog_refs(database) == refs("a", "b")
    removed = await cycle(make_engine, clock, [])
    assert removed["removed"] == 2
    assert await catalog_refs(database) == set()


async def test_a_degraded_cycle_removes_nothing_but_still_adds(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    await cycle(make_engine, clock, ["a", "b"])
    degraded = await cycle(make_engine, clock, ["a", "new"], degraded=True)
    assert degraded["degraded"] is True
    assert "page 0 skipped an item" in degraded["rejection"]
    assert await catalog_refs(database) == refs("a", "b", "new")
    healed = await cycle(make_engine, clock, ["a", "new"])
    assert healed["removed"] == 1
    assert await catalog_refs(database) == refs("a", "new")


async def test_degraded_holds_across_bursts(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    await cycle(make_engine, clock, ["a", "b", "c"])
    provider = ScriptedProvider("p", [comps("a"), comps("b")], clock=clock, step=5.0, degraded={0})
    engine = make_engine(provider)
    await engine.tick("p")  # page 0 (degraded), then the burst yields
    clock.advance(OPTIONS.burst_interval)
    fresh = make_engine(ScriptedProvider("p", [comps("a"), comps("b")]))  # a "restarted" replica
    result = await fresh.tick("p")
    assert result.record is not None
    assert result.record.degraded is True
    assert await catalog_refs(database) == refs("a", "b", "c")


async def test_bookkeeping_is_scoped_by_provider(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    await cycle(make_engine, clock, ["x", "y", "z"], name="mine")
    async with database.transaction() as conn:
        await bookkeeping.mark_seen(conn, database.dialect, "other", None, ["component:default/x"])
        assert (
            await bookkeeping.forget(
                conn, "mine", ["component:default/x", "component:default/z"], bind_limit=100
            )
            == 2
        )
    assert set(await active(database, "mine")) == refs("y")
    assert set(await active(database, "other")) == refs("x")


async def test_one_providers_sweep_never_touches_another_providers_entities(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    await cycle(make_engine, clock, ["a", "b"], name="one")
    await cycle(make_engine, clock, ["c"], name="two")
    await cycle(make_engine, clock, ["a"], name="one")
    assert await catalog_refs(database, "one") == refs("a")
    assert await catalog_refs(database, "two") == refs("c")
    assert set(await active(database, "two")) == refs("c")


async def test_an_invalid_entity_counts_as_seen_and_keeps_its_previous_version(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    await cycle(make_engine, clock, ["a", "b"])
    broken = component("b")
    broken["spec"]["owner"] = ""  # invalid: the catalog rejects it
    provider = ScriptedProvider("p", [[component("a"), broken]])
    engine = make_engine(provider)
    summary = await engine.run_cycle("p")
    assert (summary.invalid, summary.removed) == (1, 0)
    assert await catalog_refs(database) == refs("a", "b")


async def test_a_large_stale_set_is_removed_in_batches(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    from openchoreo_catalog.ingestion import sweep

    names = [f"c{i:04d}" for i in range(450)]
    await cycle(make_engine, clock, names)
    original = sweep.BATCH
    sweep.BATCH = 100
    try:
        summary = await cycle(make_engine, clock, names[:10])
    finally:
        sweep.BATCH = original
    assert summary["removed"] == 440
    assert len(await catalog_refs(database)) == 10
