"""The event inbox on every database: group commit, merging per object, one write per
provider per batch, retries with backoff, drops, and one drainer at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import orjson
import pytest

from openchoreo_catalog.db import Database, DatabaseError
from openchoreo_catalog.events import EventIngress, InboxDrainer, InboxWriter, ProviderDelta
from openchoreo_catalog.events import inbox as sql
from openchoreo_catalog.events.drain import LEASE_NAME, DrainOptions
from openchoreo_catalog.events.ingress import InboxFull, UnknownTopic
from openchoreo_catalog.ingestion.clock import ManualClock
from openchoreo_catalog.ingestion.lease import Leases

TOPIC = "thing"


def key(topic: str, payload: Any) -> Hashable:
    if not isinstance(payload, dict) or not isinstance(payload.get("name"), str):
        raise ValueError("'name' must be a string")
    return (topic, payload["name"])


def entity(name: str, title: str = "") -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name, "title": title},
    }


class FakePublisher:
    """Turns ``{"name", "title"?, "gone"?}`` into a delta; records what it was asked."""

    def __init__(self) -> None:
        self.read: list[dict[str, Any]] = []
        self.applied: list[tuple[str, list[Mapping[str, Any]], list[str]]] = []
        self.fail_read: set[str] = set()
        self.fail_apply = False
        self.poison: set[str] = set()
        """Names whose entity cannot be written: any write holding one fails."""
        self.applied_event = asyncio.Event()

    def handles(self, topic: str) -> bool:
        return topic == TOPIC

    async def deltas(self, topic: str, payload: Mapping[str, Any]) -> Sequence[ProviderDelta]:
        self.read.append(dict(payload))
        if payload["name"] in self.fail_read:
            raise ConnectionError("source unavailable")
        if payload.get("malformed"):
            raise ValueError("malformed after all")
        removed = [f"component:default/{payload['gone']}"] if payload.get("gone") else []
        return [ProviderDelta("p", [entity(payload["name"], payload.get("title", ""))], removed)]

    async def apply(
        self, provider: str, added: Sequence[Mapping[str, Any]], removed: Sequence[str]
    ) -> None:
        if self.fail_apply or any(e["metadata"]["name"] in self.poison for e in added):
            raise DatabaseError("apply", "boom")
        self.applied.append((provider, list(added), list(removed)))
        self.applied_event.set()


async def append(db: Database, *payloads: dict[str, Any], at: float = 1000.0) -> None:
    rows = [{"topic": TOPIC, "payload": orjson.dumps(p).decode(), "received_at": at}
            for p in payloads]  # fmt: skip
    async with db.transaction() as conn:
        await sql.append(conn, rows)


async def stored(db: Database) -> list[tuple[str, int]]:
    async with db.read() as conn:
        rows = await sql.next_batch(conn, now=1e12, limit=10_000)
    return [(orjson.loads(row.payload)["name"], row.attempts) for row in rows]


def drainer(
    db: Database, publisher: FakePublisher, clock: ManualClock, **options: Any
) -> InboxDrainer:
    return InboxDrainer(
        db, publisher, key=key, clock=clock, replica="r1", options=DrainOptions(**options)
    )


async def test_concurrent_appends_share_commits_and_all_land(database: Database) -> None:
    writer = InboxWriter(database)
    await asyncio.gather(
        *(writer.append(TOPIC, orjson.dumps({"name": f"n{i}"}).decode(), 1.0) for i in range(600))
    )
    names = [name for name, _ in await stored(database)]
    assert sorted(names) == sorted(f"n{i}" for i in range(600))
    assert writer.commits < 100, "requests waiting together commit together"


async def test_a_failed_commit_fails_every_waiter_and_stores_nothing() -> None:
    class Broken:
        async def run(self, fn: Any, *, operation: str) -> Any:
            raise DatabaseError(operation, "disk full")

    writer = InboxWriter(Broken())  # type: ignore[arg-type]
    results = await asyncio.gather(
        *(writer.append(TOPIC, "{}", 1.0) for _ in range(5)), return_exceptions=True
    )
    assert all(isinstance(r, DatabaseError) for r in results)


async def test_the_ingress_checks_topic_payload_and_room(sqlite_database: Database) -> None:
    publisher = FakePublisher()
    pending = [0]
    ingress = EventIngress(
        publisher, InboxWriter(sqlite_database), key=key, max_pending=3,
        pending=lambda: pending[0], on_accepted=lambda n: pending.__setitem__(0, pending[0] + n),
    )  # fmt: skip
    with pytest.raises(UnknownTopic):
        await ingress.accept("other", b'{"name": "a"}')
    for body, reason in [(b"", "Missing"), (b"{", "not valid JSON"), (b"{}", "'name'")]:
        with pytest.raises(ValueError, match=reason):
            await ingress.accept(TOPIC, body)
    for name in "abc":
        await ingress.accept(TOPIC, orjson.dumps({"name": name}))
    with pytest.raises(InboxFull) as full:
        await ingress.accept(TOPIC, b'{"name": "d"}')
    assert full.value.retry_after > 0
    assert [name for name, _ in await stored(sqlite_database)] == ["a", "b", "c"]


async def test_a_batch_reads_each_object_once_and_writes_once_per_provider(
    database: Database,
) -> None:
    await append(
        database,
        {"name": "a", "title": "old"},
        {"name": "b"},
        {"name": "a", "title": "new"},
        {"name": "c", "gone": "b"},
        {"name": "d", "gone": "x"},
    )
    publisher = FakePublisher()
    clock = ManualClock(2000.0)
    await drainer(database, publisher, clock).process(await _batch(database), None)
    assert sorted(p["name"] for p in publisher.read) == ["a", "b", "c", "d"]
    assert {p.get("title") for p in publisher.read if p["name"] == "a"} == {"new"}
    [(provider, added, removed)] = publisher.applied
    assert provider == "p"
    assert sorted(e["metadata"]["name"] for e in added) == ["a", "b", "c", "d"]
    assert removed == ["component:default/x"], "a ref another object adds is not removed"
    assert await stored(database) == []


async def test_failures_are_retried_with_backoff_and_bad_events_dropped(
    database: Database,
) -> None:
    await append(database, {"name": "ok"}, {"name": "flaky"}, {"name": "bad", "malformed": True})
    await append(database, {"nope": 1})
    publisher = FakePublisher()
    publisher.fail_read.add("flaky")
    clock = ManualClock(2000.0)
    drain = drainer(database, publisher, clock, backoff=(5.0, 60.0))
    await drain.process(await _batch(database))
    assert await stored(database) == [("flaky", 1)]
    async with database.read() as conn:
        assert await sql.next_batch(conn, now=2004.0, limit=10) == []
        assert await sql.next_available(conn) == pytest.approx(2005.0)
    clock.advance(5.0)
    await drain.process(await _batch(database, now=clock.now()))
    assert await stored(database) == [("flaky", 2)], "the second failure waits longer"
    publisher.fail_read.clear()
    clock.advance(60.0)
    await drain.process(await _batch(database, now=clock.now()))
    assert await stored(database) == []
    assert [e["metadata"]["name"] for _, added, _ in publisher.applied for e in added] == [
        "ok", "flaky",
    ]  # fmt: skip


async def test_a_failed_write_keeps_every_event_of_the_batch(database: Database) -> None:
    await append(database, {"name": "a"}, {"name": "b"})
    publisher = FakePublisher()
    publisher.fail_apply = True
    await drainer(database, publisher, ManualClock(2000.0)).process(await _batch(database))
    assert await stored(database) == [("a", 1), ("b", 1)]


async def test_an_object_that_cannot_be_written_holds_back_only_itself_then_is_dropped(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    await append(database, {"name": "a"}, {"name": "poison"}, {"name": "b", "gone": "a"})
    publisher = FakePublisher()
    publisher.poison.add("poison")
    clock = ManualClock(2000.0)
    drain = drainer(database, publisher, clock, backoff=(1.0,), max_attempts=3)
    await drain.process(await _batch(database, now=clock.now()))
    assert sorted(e["metadata"]["name"] for _, added, _ in publisher.applied for e in added) == [
        "a", "b",
    ], "the batch's other objects are written one by one after the merged write failed"  # fmt: skip
    assert [removed for _, _, removed in publisher.applied] == [[], []], (
        "a ref another object of the batch adds is not removed, one by one as merged"
    )
    assert await stored(database) == [("poison", 1)]
    clock.advance(1.0)
    await drain.process(await _batch(database, now=clock.now()))
    assert await stored(database) == [("poison", 2)]
    clock.advance(1.0)
    await drain.process(await _batch(database, now=clock.now()))
    assert await stored(database) == [], "dropped after its third failed attempt"
    [dropped] = [r for r in caplog.records if r.getMessage() == "event dropped"]
    assert "gave up after 3 failed attempts" in dropped.error


async def test_the_background_drainer_wakes_on_acceptance_and_stops(
    sqlite_database: Database,
) -> None:
    publisher = FakePublisher()
    drain = InboxDrainer(sqlite_database, publisher, key=key, replica="r1",
                         options=DrainOptions(poll_interval=30.0))  # fmt: skip
    drain.start()
    try:
        await append(sqlite_database, {"name": "a"}, at=0.0)
        drain.accepted()
        await asyncio.wait_for(publisher.applied_event.wait(), timeout=10)
    finally:
        await drain.stop()
    assert await stored(sqlite_database) == []
    assert drain.pending == 0


async def test_only_one_replica_drains_at_a_time(database: Database) -> None:
    await append(database, {"name": "a"}, at=0.0)
    clock = ManualClock(2000.0)
    holder = await Leases(database, clock, "other").acquire(LEASE_NAME, 60.0)
    assert holder is not None
    publisher = FakePublisher()
    drain = drainer(database, publisher, clock)
    assert await drain._cycle() > 0
    assert publisher.read == []
    await Leases(database, clock, "other").release(holder)
    assert await drain._cycle() == 0.0
    assert [p["name"] for p in publisher.read] == ["a"]


async def _batch(db: Database, now: float = 1e12) -> list[sql.InboxRow]:
    async with db.read() as conn:
        return await sql.next_batch(conn, now=now, limit=256)
