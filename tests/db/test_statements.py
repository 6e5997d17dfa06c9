"""Per-dialect upserts and bind-limit chunking, on every backend."""

from __future__ import annotations

from sqlalchemy import delete, event, func, select

from openchoreo_catalog.db import Database, execute_in, insert_ignore, select_in, upsert
from openchoreo_catalog.db.bulk import ROW_QUANTUM, BulkInsert, statement_sizes
from openchoreo_catalog.db.limits import chunk_size, chunked, max_binds
from openchoreo_catalog.db.tables.catalog import entities


def _row(i: int, digest: str = "h") -> dict[str, object]:
    return {
        "uid": f"u{i}",
        "ref": f"location:default/l{i}",
        "provider": "p",
        "hash": digest,
        "body": "{}",
    }


async def _hashes(db: Database) -> dict[str, str]:
    async with db.read() as conn:
        return dict((await conn.execute(select(entities.c.uid, entities.c.hash))).all())


async def test_insert_ignore_keeps_existing_rows(database: Database) -> None:
    stmt = insert_ignore(database.dialect, entities, ["uid"])
    async with database.transaction() as conn:
        await conn.execute(stmt, [_row(1, "first"), _row(2, "first")])
        await conn.execute(stmt, [_row(2, "second"), _row(3, "second")])
    assert await _hashes(database) == {"u1": "first", "u2": "first", "u3": "second"}


async def test_upsert_overwrites_the_named_columns(database: Database) -> None:
    stmt = upsert(database.dialect, entities, ["uid"], ["hash"])
    async with database.transaction() as conn:
        await conn.execute(stmt, [_row(1, "first"), _row(2, "first")])
        await conn.execute(stmt, [_row(2, "second"), _row(3, "second")])
    assert await _hashes(database) == {"u1": "first", "u2": "second", "u3": "second"}


async def test_in_lists_longer_than_the_bind_limit_are_chunked(database: Database) -> None:
    rows = [(f"u{i}", f"location:default/l{i}", "p", "h", "{}") for i in range(3_000)]
    insert = BulkInsert(entities, ("uid", "ref", "provider", "hash", "body"))
    limit = 500  # pretend the database allowed only 500 parameters
    async with database.transaction() as conn:
        await insert.run(conn, rows, bind_limit=limit)
        keys = [f"u{i}" for i in range(0, 6_000, 2)]
        found = await select_in(
            conn,
            lambda part: select(entities.c.uid).where(entities.c.uid.in_(part)),
            keys,
            bind_limit=limit,
        )
        assert len(found) == 1_500
        removed = await execute_in(
            conn,
            lambda part: delete(entities).where(entities.c.uid.in_(part)),
            keys,
            bind_limit=limit,
        )
        assert removed == 1_500
        left = (await conn.execute(select(func.count()).select_from(entities))).scalar_one()
    assert left == 1_500


def test_limits_per_dialect() -> None:
    assert max_binds("sqlite", sqlite_version=(3, 31, 0)) == 999
    assert max_binds("sqlite", sqlite_version=(3, 40, 1)) == 32_766
    assert max_binds("postgresql") == 32_767
    assert max_binds("mysql") == 65_535
    assert chunk_size(999, 5) == 196
    assert [len(c) for c in chunked(list(range(10)), 4)] == [4, 4, 2]


async def test_bulk_upsert_and_flat_rows(database: Database) -> None:
    """The multi-row forms: an upsert overwrites only the named columns, and flat rows insert
    like tuples."""
    columns = ("uid", "ref", "provider", "hash", "body")
    up = BulkInsert(entities, columns, update_on_conflict=(("ref",), ("hash",)))
    flat: list[object] = []
    for i in range(700):
        flat += [f"u{i}", f"location:default/l{i}", "p", "first", "{}"]
    async with database.transaction() as conn:
        await BulkInsert(entities, columns).run_flat(conn, flat, bind_limit=database.bind_limit)
        rows = [(f"x{i}", f"location:default/l{i}", "p", "second", "{}") for i in range(350, 800)]
        await up.run(conn, rows, bind_limit=database.bind_limit)
    hashes = await _hashes(database)
    assert len(hashes) == 800
    assert hashes["u0"] == "first"
    assert hashes["u349"] == "first"
    assert hashes["u350"] == "second"  # overwritten: the uid of the conflicting row stays
    assert hashes["x799"] == "second"
    assert "x350" not in hashes


def test_statement_sizes_are_few_shapes_that_cover_every_row() -> None:
    shapes: set[int] = set()
    for rows in range(2_100):
        sizes = statement_sizes(rows, 500)
        tail = rows - sum(sizes)
        assert 0 <= tail < ROW_QUANTUM
        assert all(size == 500 or size % ROW_QUANTUM == 0 for size in sizes)
        shapes.update(sizes)
    assert shapes == {500, *range(ROW_QUANTUM, 500, ROW_QUANTUM)}


async def test_bulk_inserts_of_any_size_write_every_row_with_few_statement_shapes(
    database: Database,
) -> None:
    """Every row count lands whole (multi-row statements plus a single-row tail), and the
    statements sent are a handful of shapes, not one per count (drivers cache each shape)."""
    columns = ("uid", "ref", "provider", "hash", "body")
    insert = BulkInsert(entities, columns)
    sent: set[str] = set()

    def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        if statement.startswith("INSERT INTO catalog_entities"):
            sent.add(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        start = 0
        for count in (1, 63, 64, 65, 130, 499, 500, 501, 1_077):
            rows = [
                (f"u{i}", f"location:default/l{i}", "p", "h", "{}")
                for i in range(start, start + count)
            ]
            flat = [value for row in rows for value in row]
            async with database.transaction() as conn:
                if count % 2:
                    await insert.run(conn, rows, bind_limit=database.bind_limit)
                else:
                    await insert.run_flat(conn, flat, bind_limit=database.bind_limit)
            start += count
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)
    assert set(await _hashes(database)) == {f"u{i}" for i in range(start)}
    if database.dialect != "mysql":  # MySQL always sends single-row executemany
        # 500, 64, 128, 448 row statements and the single-row tail
        assert len(sent) == 5
