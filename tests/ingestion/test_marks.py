"""Marks and records round-trip: JSON cursors (objects on SQLite too), long errors."""

from __future__ import annotations

import pytest

from openchoreo_catalog.db import Database, DatabaseError
from openchoreo_catalog.ingestion import state
from openchoreo_catalog.ingestion.clock import ManualClock


async def test_marks_round_trip_with_json_cursors(database: Database, clock: ManualClock) -> None:
    cursors = [{"data": 1}, ["a", {"b": None}], "token", 7, None, {"nested": {"ü": [1.5, True]}}]
    async with database.transaction() as conn:
        record = await state.insert_record(conn, "myProvider", clock.now())
        for sequence, cursor in enumerate(cursors):
            await state.insert_mark(
                conn, record.id, sequence=sequence, cursor=cursor, done=False, entity_count=3,
                now=clock.now(),
            )  # fmt: skip
    async with database.read() as conn:
        first = await state.first_mark(conn, record.id)
        last = await state.last_mark(conn, record.id)
        every = await state.all_marks(conn, record.id)
    assert first is not None
    assert last is not None
    assert first.cursor == {"data": 1}
    assert last.cursor == {"nested": {"ü": [1.5, True]}}
    assert [m.cursor for m in every] == list(reversed(cursors))
    assert [m.sequence for m in every] == [5, 4, 3, 2, 1, 0]


async def test_a_page_cannot_be_marked_twice(database: Database, clock: ManualClock) -> None:
    async with database.transaction() as conn:
        record = await state.insert_record(conn, "p", clock.now())
        await state.insert_mark(
            conn, record.id, sequence=0, cursor=None, done=False, entity_count=0, now=1.0
        )
    with pytest.raises(DatabaseError):
        async with database.transaction() as conn:
            await state.insert_mark(
                conn, record.id, sequence=0, cursor=None, done=False, entity_count=0, now=1.0
            )


async def test_a_long_last_error_round_trips(database: Database, clock: ManualClock) -> None:
    long_error = "x" * 256 + "é" * 100_000
    async with database.transaction() as conn:
        record = await state.insert_record(conn, "p", clock.now())
        assert await state.transition(conn, record.id, {"last_error": long_error})
    async with database.read() as conn:
        again = await state.open_record(conn, "p")
    assert again is not None
    assert again.last_error == long_error
