"""Migrations: run to head, idempotent, safe when replicas start together, equal to the tables."""

from __future__ import annotations

import asyncio
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

import openchoreo_catalog.db.migrate as migrate_module
from openchoreo_catalog.db import Database
from openchoreo_catalog.db.migrate import VERSION_TABLE, current_revision, head_revision
from openchoreo_catalog.db.tables import metadata
from tests.fixtures.databases import BACKENDS, fresh_database

_MIGRATE = """
import asyncio, sys
from openchoreo_catalog.db import Database

async def main() -> None:
    db = Database.from_url(sys.argv[1])
    try:
        print(await db.migrate())
    finally:
        await db.dispose()

asyncio.run(main())
"""


@pytest.mark.parametrize("backend", BACKENDS)
async def test_replicas_starting_together_migrate_once(backend: str) -> None:
    """Three processes migrate one empty database at the same moment; all end at head."""
    async with fresh_database(backend) as db:
        url = db.engine.url.render_as_string(hide_password=False)
        replicas = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", _MIGRATE, url, stdout=PIPE, stderr=PIPE
            )
            for _ in range(3)
        ]
        outputs = [await replica.communicate() for replica in replicas]
        for replica, (_out, err) in zip(replicas, outputs, strict=True):
            assert replica.returncode == 0, err.decode()
        assert [out.decode().strip() for out, _ in outputs] == [head_revision()] * 3


@pytest.mark.parametrize("backend", BACKENDS)
async def test_migrating_twice_in_one_process_is_a_no_op(backend: str) -> None:
    async with fresh_database(backend) as db:
        other = Database.from_url(db.engine.url)
        try:
            results = await asyncio.gather(db.migrate(), other.migrate())
        finally:
            await other.dispose()
        assert results == [head_revision()] * 2
        assert await db.migrate() == head_revision()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_migrated_schema_matches_the_table_definitions(backend: str) -> None:
    async with fresh_database(backend) as db:
        await db.migrate()

        def diff(sync_conn: Connection) -> list[object]:
            context = MigrationContext.configure(
                sync_conn, opts={"version_table": VERSION_TABLE, "compare_type": True}
            )
            return list(compare_metadata(context, metadata))

        async with db.read() as conn:
            assert await current_revision(conn) == head_revision()
            assert await conn.run_sync(diff) == []


def test_migrations_ship_inside_the_package() -> None:
    here = Path(migrate_module.__file__).parent
    assert (here / "migrations" / "env.py").is_file()
    assert (here / "migrations" / "script.py.mako").is_file()
    assert head_revision() == "0003_event_inbox"
