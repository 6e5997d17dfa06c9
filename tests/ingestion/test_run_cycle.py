"""Run-one-cycle-now: back to back without pacing, from any state, with a summary."""

from __future__ import annotations

from dataclasses import replace

import pytest

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.clock import ManualClock
from openchoreo_catalog.ingestion.errors import ProviderBusy, UnknownProvider
from tests.ingestion.conftest import OPTIONS, MakeEngine
from tests.ingestion.helpers import ScriptedProvider, catalog_refs, comps


async def test_a_cycle_runs_to_the_end_ignoring_burst_length_and_intervals(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps(f"c{i}") for i in range(6)], clock=clock, step=10.0)
    engine = make_engine(provider, options=replace(OPTIONS, burst_length=1.0))
    summary = await engine.run_cycle("p")
    assert summary.completed
    assert summary.error is None
    assert (summary.pages, summary.entities, summary.added, summary.removed) == (6, 6, 6, 0)
    assert provider.opened == 1
    assert summary.duration == 60.0
    assert list(provider.calls) == list(range(6))


async def test_a_resting_provider_starts_a_new_cycle(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a", "b")])
    engine = make_engine(provider)
    first = await engine.run_cycle("p")
    provider.pages = [comps("a")]
    second = await engine.run_cycle("p")
    assert second.ingestion_id != first.ingestion_id
    assert (second.completed, second.removed) == (True, 1)
    assert await catalog_refs(database) == {"component:default/a"}


async def test_a_provider_in_mid_cycle_finishes_that_cycle(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps(f"c{i}") for i in range(4)], clock=clock, step=2.0)
    engine = make_engine(provider)
    await engine.tick("p")
    started = await engine.current_id("p")
    summary = await engine.run_cycle("p")
    assert summary.ingestion_id == started
    assert summary.pages == 4
    assert provider.calls == [0, 1, 2, 3]


async def test_a_failing_cycle_reports_the_error_and_the_next_run_resumes(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a"), comps("b")], fail={1})
    engine = make_engine(provider)
    failed = await engine.run_cycle("p")
    assert not failed.completed
    assert failed.error == "Boom: page 1 failed"
    resumed = await engine.run_cycle("p")
    assert resumed.completed
    assert resumed.ingestion_id == failed.ingestion_id
    assert provider.calls == [0, 1, 1]


async def test_a_rejected_removal_is_reported_but_completes(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a", "b")])
    engine = make_engine(provider, options=replace(OPTIONS, reject_removals_above_percentage=10))
    await engine.run_cycle("p")
    provider.pages = [comps("a")]
    summary = await engine.run_cycle("p")
    assert summary.completed
    assert summary.error is None
    assert summary.removals_rejected == 1
    assert summary.rejection is not None
    assert "rejectRemovalsAbovePercentage" in summary.rejection


async def test_run_cycle_refuses_while_another_replica_holds_the_lease(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    engine = make_engine(ScriptedProvider("p", [comps("a")]))
    lease = await engine.acquire("p")
    assert lease is not None
    with pytest.raises(ProviderBusy):
        await engine.run_cycle("p")
    assert (await engine.tick("p")).action == "busy"
    with pytest.raises(UnknownProvider):
        await engine.run_cycle("nope")


async def test_provider_names_must_fit_the_state_tables(
    database: Database, make_engine: MakeEngine
) -> None:
    engine = make_engine(ScriptedProvider("p", [comps("a")]))
    for bad in ("", "x" * 256):
        with pytest.raises(ValueError, match="provider name"):
            engine.register(ScriptedProvider(bad, [comps("a")]))
    with pytest.raises(ValueError, match="already registered"):
        engine.register(ScriptedProvider("p", [comps("a")]))
