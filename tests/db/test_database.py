"""Transactions, retries and typed errors of ``Database``, on every backend."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.db import Database, DatabaseError, TransientDatabaseError, is_transient
from openchoreo_catalog.db.errors import describe
from openchoreo_catalog.db.tables.catalog import entities
from tests.fixtures.databases import fresh_database


def _row(uid: str) -> dict[str, str]:
    return {
        "uid": uid,
        "ref": f"component:default/{uid}",
        "provider": "p",
        "hash": "h",
        "body": "{}",
    }


async def _count(db: Database) -> int:
    async with db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(entities))).scalar_one())


async def test_transaction_commits_on_success(database: Database) -> None:
    async with database.transaction() as conn:
        await conn.execute(entities.insert(), [_row("a"), _row("b")])
    assert await _count(database) == 2


async def test_transaction_rolls_back_on_error(database: Database) -> None:
    async def insert_then_fail() -> None:
        async with database.transaction() as conn:
            await conn.execute(entities.insert(), [_row("a")])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await insert_then_fail()
    assert await _count(database) == 0


async def test_run_retries_the_whole_unit_on_transient_failures(database: Database) -> None:
    calls = 0

    async def flaky(conn: AsyncConnection) -> str:
        nonlocal calls
        calls += 1
        await conn.execute(entities.insert(), [_row(f"try{calls}")])
        if calls < 3:
            raise sa_exc.OperationalError(
                "INSERT", {}, sqlite3.OperationalError("database is locked")
            )
        return "done"

    assert await database.run(flaky, operation="flaky work") == "done"
    assert calls == 3
    assert await _count(database) == 1  # the failed attempts were rolled back


async def test_run_gives_up_after_bounded_attempts(database: Database) -> None:
    calls = 0

    async def always_locked(conn: AsyncConnection) -> None:
        nonlocal calls
        calls += 1
        raise sa_exc.OperationalError("x", {}, sqlite3.OperationalError("database is locked"))

    with pytest.raises(TransientDatabaseError) as caught:
        await database.run(always_locked, operation="apply mutation for provider p")
    assert calls == database.retry.attempts
    assert str(caught.value).startswith("apply mutation for provider p: ")
    assert "gave up after 3 attempts" in str(caught.value)


async def test_run_does_not_retry_other_failures_and_names_the_operation(
    database: Database,
) -> None:
    calls = 0

    async def duplicate(conn: AsyncConnection) -> None:
        nonlocal calls
        calls += 1
        await conn.execute(entities.insert(), [_row("same"), _row("same")])

    with pytest.raises(DatabaseError) as caught:
        await database.run(duplicate, operation="apply mutation for provider p")
    assert calls == 1
    assert not caught.value.transient
    assert str(caught.value).startswith("apply mutation for provider p: ")
    assert "INSERT" not in str(caught.value)  # no SQL echoed


async def test_run_lets_non_database_errors_through(database: Database) -> None:
    async def broken(conn: AsyncConnection) -> None:
        raise KeyError("mine")

    with pytest.raises(KeyError):
        await database.run(broken, operation="x")


async def test_real_lock_timeout_is_classified_transient(database: Database) -> None:
    """A genuine lock conflict on each backend is recognised as worth retrying."""
    if database.dialect == "sqlite":
        error: BaseException = sa_exc.OperationalError(
            "x", {}, sqlite3.OperationalError("database is locked")
        )
        assert is_transient(error)
        return
    async with database.transaction() as setup:
        await setup.execute(entities.insert(), [_row("row")])
    async with database.engine.connect() as holder, database.engine.connect() as waiter:
        await holder.begin()
        await holder.execute(text("UPDATE catalog_entities SET hash = 'x' WHERE uid = 'row'"))
        await waiter.begin()
        if database.dialect == "postgresql":
            await waiter.execute(text("SET LOCAL lock_timeout = '50ms'"))
        else:
            await waiter.execute(text("SET SESSION innodb_lock_wait_timeout = 1"))
        with pytest.raises(sa_exc.DBAPIError) as caught:
            await waiter.execute(text("UPDATE catalog_entities SET hash = 'y' WHERE uid = 'row'"))
        await waiter.rollback()
        await holder.rollback()
    assert is_transient(caught.value), describe(caught.value)


def test_messages_mask_url_credentials() -> None:
    error = OSError("could not connect to postgresql://admin:hunter2@db:5432/catalog")
    assert "hunter2" not in describe(error)
    assert "postgresql://admin:***@db" in describe(error)


async def test_a_memory_database_serves_one_transaction_at_a_time() -> None:
    """``:memory:`` has one shared connection; interleaved transactions would corrupt each other."""
    import asyncio

    db = Database.from_url("sqlite+aiosqlite:///:memory:")
    await db.migrate()
    order: list[str] = []

    async def writer(name: str) -> None:
        async with db.transaction() as conn:
            order.append(f"{name} begin")
            await conn.execute(entities.insert(), [_row(name)])
            await asyncio.sleep(0)  # let the other task try to interleave
            order.append(f"{name} end")

    async def reader() -> int:
        return await _count(db)

    try:
        results = await asyncio.gather(writer("a"), writer("b"), reader())
    finally:
        count = await _count(db)
        await db.dispose()
    assert order in (
        ["a begin", "a end", "b begin", "b end"],
        ["b begin", "b end", "a begin", "a end"],
    )
    assert results[2] in (0, 1, 2)
    assert count == 2


async def test_from_settings_uses_backend_database(tmp_path: object) -> None:
    from pathlib import Path

    from openchoreo_catalog.config import settings_from_mapping

    path = Path(str(tmp_path)) / "catalog.sqlite"
    settings = settings_from_mapping(
        {"backend": {"database": {"client": "better-sqlite3", "connection": str(path)}}}
    )
    db = Database.from_settings(settings.backend.database)
    try:
        assert db.dialect == "sqlite"
        await db.migrate()
        assert await _count(db) == 0
    finally:
        await db.dispose()
    assert path.is_file()


async def test_postgresql_sessions_plan_without_parallel_workers() -> None:
    """Parallel workers cost ~4 ms to start, more than the catalog's page queries take.

    The planner is made to favour them (no set-up or transfer cost, any table size), so the
    only thing keeping a Gather out of the plan is the service's session setting.
    """
    explain = text("EXPLAIN SELECT count(*) FROM catalog_search")
    async with fresh_database("postgresql") as database:
        await database.migrate()
        async with database.read() as conn:
            for setting in (
                "parallel_setup_cost = 0",
                "parallel_tuple_cost = 0",
                "min_parallel_table_scan_size = 0",
                "min_parallel_index_scan_size = 0",
            ):
                await conn.execute(text(f"SET LOCAL {setting}"))
            plan = "\n".join(row[0] for row in await conn.execute(explain))
            assert "Gather" not in plan, plan
            await conn.execute(text("SET LOCAL max_parallel_workers_per_gather = 2"))
            plan = "\n".join(row[0] for row in await conn.execute(explain))
            assert "Gather" in plan, plan  # the planner would use workers if allowed
