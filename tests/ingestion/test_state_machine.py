"""Every transition of one provider's state machine, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from dataclasses import replace

import pytest

from openchoreo_catalog.db import Database, DatabaseError
from openchoreo_catalog.ingestion import state
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.clock import ManualClock
from tests.ingestion.conftest import OPTIONS, MakeEngine
from tests.ingestion.helpers import ScriptedProvider, catalog_refs, comps, mark_count, records


async def test_first_tick_creates_the_cycle_and_bursts_to_rest(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a", "b"), comps("c")])
    engine = make_engine(provider)
    result = await engine.tick("p")
    assert result.action == "burst"
    assert provider.calls == [0, 1]
    rec = result.record
    assert rec is not None
    assert (rec.status, rec.next_action, rec.completion_ticket) == (st.RESTING, st.REST, "open")
    assert rec.next_action_at == clock.now() + OPTIONS.rest_length
    assert rec.ingestion_completed_at == clock.now()
    assert (rec.pages, rec.entities_seen, rec.entities_written) == (2, 3, 3)
    assert await catalog_refs(database) == {f"component:default/{n}" for n in "abc"}


async def test_burst_length_stops_a_burst_after_the_page_that_crossed_it(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    """Backstage's case: 100 ms bursts, 40 ms per page → three pages (40, 80, 120 > 100)."""
    provider = ScriptedProvider("p", [comps(f"c{i}") for i in range(10)], clock=clock, step=0.04)
    engine = make_engine(provider, options=replace(OPTIONS, burst_length=0.1))
    start = clock.now()
    result = await engine.tick("p")
    assert provider.calls == [0, 1, 2]
    rec = result.record
    assert rec is not None
    assert (rec.status, rec.next_action, rec.attempts) == (st.INTERSTITIAL, st.INGEST, 0)
    assert rec.next_action_at == start + OPTIONS.burst_interval


async def test_a_burst_ends_early_when_the_source_is_done(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a")], clock=clock, step=0.03)
    engine = make_engine(provider, options=replace(OPTIONS, burst_length=10.0))
    result = await engine.tick("p")
    assert provider.calls == [0]
    assert result.record is not None
    assert result.record.status == st.RESTING


async def test_interstitial_waits_for_its_interval_then_resumes_after_the_last_page(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps(f"c{i}") for i in range(5)], clock=clock, step=2.0)
    engine = make_engine(provider)
    await engine.tick("p")
    assert provider.calls == [0, 1]
    waiting = await engine.tick("p")
    assert waiting.action == "waiting"
    assert provider.calls == [0, 1]
    clock.advance(OPTIONS.burst_interval)
    await engine.tick("p")
    assert provider.calls == [0, 1, 2, 3]
    assert provider.opened == 2


async def test_trigger_makes_an_interstitial_burst_now(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps(f"c{i}") for i in range(5)], clock=clock, step=2.0)
    engine = make_engine(provider)
    await engine.tick("p")
    assert await engine.trigger("p") is True
    assert engine.wake_event("p").is_set()
    result = await engine.tick("p")
    assert result.action == "burst"
    assert provider.calls == [0, 1, 2, 3]


async def test_errors_back_off_on_the_schedule_and_resume_after_the_last_committed_page(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a"), comps("b"), comps("c")])
    engine = make_engine(provider)
    provider.fail = {1}
    first = await engine.tick("p")
    rec = first.record
    assert first.action == "backoff"
    assert rec is not None
    assert (rec.status, rec.next_action, rec.attempts) == (st.BACKING_OFF, st.BACKOFF, 1)
    assert rec.last_error == "Boom: page 1 failed"
    assert rec.next_action_at == clock.now() + 5.0
    assert (await engine.tick("p")).action == "waiting"
    delays = []
    for _ in range(4):  # fail again and again: 20, 100, then the last step repeats
        provider.fail = {1}
        clock.advance(1_000)
        result = await engine.tick("p")
        assert result.record is not None
        delays.append(result.record.next_action_at - clock.now())
    assert delays == [20.0, 100.0, 100.0, 100.0]
    assert result.record.attempts == 5
    clock.advance(1_000)
    done = await engine.tick("p")
    assert done.record is not None
    assert (done.record.status, done.record.attempts) == (st.RESTING, 0)
    assert provider.calls == [0, 1, 1, 1, 1, 1, 1, 2]
    assert done.record.pages == 3
    assert await catalog_refs(database) == {f"component:default/{n}" for n in "abc"}


async def test_rest_over_completes_the_cycle_and_starts_the_next_in_the_same_step(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a")])
    engine = make_engine(provider)
    first = (await engine.tick("p")).record
    assert first is not None
    assert (await engine.tick("p")).action == "waiting"
    clock.advance(OPTIONS.rest_length)
    second = (await engine.tick("p")).record
    assert second is not None
    assert second.id != first.id
    assert second.status == st.RESTING
    rows = await records(database, "p")
    assert len(rows) == 2
    old = next(r for r in rows if r["id"] == first.id)
    assert (old["status"], old["next_action"]) == (st.COMPLETE, st.DONE)
    assert old["completion_ticket"] != "open"
    assert old["rest_completed_at"] == clock.now()
    # a third cycle clears the marks of the first (the previous one keeps its marks)
    clock.advance(OPTIONS.rest_length)
    await engine.tick("p")
    assert await mark_count(database, first.id) == 0
    assert await mark_count(database, second.id) == 1


async def test_cancel_ends_the_cycle_without_sweeping_then_rests(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a", "b")])
    engine = make_engine(provider)
    await engine.tick("p")
    clock.advance(OPTIONS.rest_length)
    provider.pages = [comps("a"), comps("x"), comps("y")]
    provider.clock, provider.step = clock, 2.0
    await engine.tick("p")  # new cycle, two pages, then interstitial
    assert await engine.cancel("p") == "canceling"
    rec = (await engine.tick("p")).record
    assert rec is not None
    assert (rec.status, rec.next_action, rec.canceled) == (st.RESTING, st.REST, True)
    assert rec.next_action_at == clock.now() + OPTIONS.rest_length
    assert "component:default/b" in await catalog_refs(database)  # no sweep
    clock.advance(OPTIONS.rest_length)
    provider.pages = [comps("a")]
    await engine.tick("p")
    rows = await records(database, "p")
    canceled = next(r for r in rows if r["id"] == rec.id)
    assert (canceled["status"], canceled["next_action"]) == (st.COMPLETE, st.CANCELED)


async def test_cancel_during_a_burst_abandons_the_page_in_flight(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    engine_ref: list[object] = []

    class CancelingProvider(ScriptedProvider):
        async def next(self, context: dict, cursor: object) -> object:  # type: ignore[override]
            page = await super().next(context, cursor)  # type: ignore[arg-type]
            if self.calls == [0, 1]:
                await engine_ref[0].cancel("p")  # type: ignore[attr-defined]
            return page

    provider = CancelingProvider("p", [comps("a"), comps("b"), comps("c")])
    engine = make_engine(provider)
    engine_ref.append(engine)
    result = await engine.tick("p")
    assert result.action == "changed"
    assert await catalog_refs(database) == {"component:default/a"}
    assert result.record is not None
    assert result.record.pages == 1
    assert (await engine.tick("p")).action == "canceled"


async def test_start_while_resting_begins_the_next_cycle_now(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a")])
    engine = make_engine(provider)
    first = (await engine.tick("p")).record
    assert await engine.start("p") == "rest ended"
    second = (await engine.tick("p")).record
    assert first is not None
    assert second is not None
    assert second.id != first.id


async def test_start_in_the_middle_of_a_cycle_cancels_and_restarts(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps(f"c{i}") for i in range(4)], clock=clock, step=2.0)
    engine = make_engine(provider)
    first = (await engine.tick("p")).record
    assert await engine.start("p") == "restarted"
    result = await engine.tick("p")
    assert first is not None
    assert result.record is not None
    assert result.record.id != first.id
    assert provider.calls[-2:] == [0, 1]  # the new cycle starts from the beginning
    old = next(r for r in await records(database, "p") if r["id"] == first.id)
    assert old["next_action"] == st.CANCELED


async def test_reset_purges_the_state_and_starts_fresh(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps(f"c{i}") for i in range(4)], clock=clock, step=2.0)
    engine = make_engine(provider)
    await engine.tick("p")
    purged = await engine.reset("p")
    assert (purged.ingestions_deleted, purged.marks_deleted) == (1, 2)
    rows = await records(database, "p")
    assert len(rows) == 1
    assert (rows[0]["status"], rows[0]["next_action"], rows[0]["pages"]) == (
        st.BURSTING,
        st.INGEST,
        0,
    )
    await engine.tick("p")
    assert provider.calls[-2:] == [0, 1]


async def test_a_failure_after_the_done_page_finishes_without_reading_the_source_again(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a"), comps("b")])
    engine = make_engine(provider)
    real_sweep = engine.ctx.store.apply_mutation
    calls = {"n": 0}

    async def failing(provider_name, mutation, *, conn=None):  # type: ignore[no-untyped-def]
        if getattr(mutation, "removed", ()) and calls["n"] == 0:
            calls["n"] += 1
            raise RuntimeError("sweep failed")
        return await real_sweep(provider_name, mutation, conn=conn)

    await engine.tick("p")
    clock.advance(OPTIONS.rest_length)
    provider.pages = [comps("a")]
    engine.ctx.store.apply_mutation = failing  # type: ignore[method-assign]
    failed = await engine.tick("p")
    assert failed.action == "backoff"
    assert failed.record is not None
    assert "sweep failed" in (failed.record.last_error or "")
    calls_before = list(provider.calls)
    clock.advance(100)
    done = await engine.tick("p")
    assert provider.calls == calls_before
    assert done.record is not None
    assert done.record.status == st.RESTING
    assert await catalog_refs(database) == {"component:default/a"}


async def test_a_second_engine_cannot_open_a_second_cycle(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    provider = ScriptedProvider("p", [comps("a")])
    engine = make_engine(provider)
    await engine.tick("p")
    other = make_engine(ScriptedProvider("p", [comps("a")]))
    async with database.transaction() as conn:
        record = await state.open_record(conn, "p")
    assert record is not None
    with pytest.raises(DatabaseError):
        async with database.transaction() as conn:
            await state.insert_record(conn, "p", clock.now())
    assert await other.health() == []
