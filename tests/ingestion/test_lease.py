"""Leases: one holder at a time, takeover after expiry, and fencing of the stale holder."""

from __future__ import annotations

from openchoreo_catalog.db import Database
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
