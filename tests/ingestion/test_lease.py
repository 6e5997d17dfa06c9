"""Leases: one holder at a time, takeover after expiry, and fencing of the stale holder."""

from __future__ import annotations

from typing import Any

import pytest

from openchoreo_catalog.db import Database, TransientDatabaseError
from openchoreo_catalog.ingestion.clock import ManualClock
from openchoreo_catalog.ingestion.lease import Leases
from tests.ingestion.conftest import OPTIONS, MakeEngine
from tests.ingestion.helpers import ScriptedProvider, catalog_refs, comps


async def test_one_holder_at_a_time_until_release_or_expiry(
    database: Database, clock: ManualClock
) -> None:
    one, two = Leases(database, clock, "one"), Leases(database, clock, "two")
    held = await one.acquire("p", 10.0)
    assert held is not None
    assert await two.acquire("p", 10.0) is None
    await one.release(held)
    again = await two.acquire("p", 10.0)
    assert again is not None
    assert again.fencing == held.fencing + 1
    clock.advance(10.0)
    taken = await one.acquire("p", 10.0)
    assert taken is not None
    assert taken.fencing == again.fencing + 1
    assert await one.acquire("q", 10.0) is not None  # leases are per provider


async def test_a_stale_holder_cannot_commit_a_page_after_a_takeover(
    database: Database, clock: ManualClock, make_engine: MakeEngine
) -> None:
    takeover: list[object] = []

    class StallingProvider(ScriptedProvider):
        async def next(self, context: dict, cursor: object) -> object:  # type: ignore[override]
            page = await super().next(context, cursor)  # type: ignore[arg-type]
            if self.calls == [0, 1]:  # stall past the lease; another replica takes over
                clock.advance(OPTIONS.burst_length + 1_000)
                lease = await Leases(database, clock, "other").acquire("p", 10.0)
                takeover.append(lease)
            return page

    provider = StallingProvider("p", [comps("a"), comps("b"), comps("c")])
    engine = make_engine(provider)
    result = await engine.tick("p")
    assert result.action == "lease lost"
    assert takeover[0] is not None
    assert await catalog_refs(database) == {"component:default/a"}


async def test_a_lease_whose_release_failed_is_reclaimed_not_waited_out(
    database: Database, clock: ManualClock, make_engine: MakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chaos "database outage": the database vanished mid-tick, so the release failed; once
    it is back the next tick must go on at once, not idle until the lease expires."""
    slow = OPTIONS.burst_length + 1  # each page outlasts the burst: one page per burst
    engine = make_engine(ScriptedProvider("p", [comps("a"), comps("b")], clock=clock, step=slow))
    run = Database.run
    failures = iter([True])

    async def flaky(self: Database, fn: Any, *, operation: str, readonly: bool = False) -> Any:
        if operation.startswith("release the lease") and next(failures, False):
            raise TransientDatabaseError(operation, "ConnectionRefusedError", attempts=5)
        return await run(self, fn, operation=operation, readonly=readonly)

    monkeypatch.setattr(Database, "run", flaky)
    with pytest.raises(TransientDatabaseError):
        await engine.tick("p")
    clock.advance(OPTIONS.burst_interval)  # the next burst is due; the lease has long to go
    assert OPTIONS.burst_interval < engine.lease_duration("p")
    assert (await engine.tick("p")).action == "burst"
    assert await catalog_refs(database) == {"component:default/a", "component:default/b"}


async def test_an_unreleased_lease_taken_over_after_expiry_is_not_reclaimed(
    database: Database, clock: ManualClock, make_engine: MakeEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(ScriptedProvider("p", [comps("a"), comps("b")]))
    run = Database.run
    failures = iter([True])

    async def flaky(self: Database, fn: Any, *, operation: str, readonly: bool = False) -> Any:
        if operation.startswith("release the lease") and next(failures, False):
            raise TransientDatabaseError(operation, "ConnectionRefusedError", attempts=5)
        return await run(self, fn, operation=operation, readonly=readonly)

    monkeypatch.setattr(Database, "run", flaky)
    with pytest.raises(TransientDatabaseError):
        await engine.tick("p")
    clock.advance(engine.lease_duration("p") + 1)
    assert await Leases(database, clock, "other").acquire("p", 60.0) is not None
    assert (await engine.tick("p")).action == "busy"
