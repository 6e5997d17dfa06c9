"""Running the Alembic migrations to head, safely when several replicas start at once.

The migrations live in ``migrations/`` inside this package (shipped with it), so they run
from an installed wheel as well as from a checkout. Concurrency: PostgreSQL takes a
session-level advisory lock and MySQL ``GET_LOCK`` around the upgrade, so a second replica
waits, then finds the schema at head and does nothing; SQLite runs the upgrade inside
``BEGIN IMMEDIATE``, which its file lock serializes the same way.
"""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from openchoreo_catalog.db.engine import WRITE_OPTION
from openchoreo_catalog.db.errors import MigrationError, describe, is_transient
from openchoreo_catalog.db.limits import Dialect

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "openchoreo_catalog_schema"
"""Alembic's version table, named for us so it never collides with another app's."""

_PG_LOCK_KEY = 0x6F635F6D69677261  # "oc_migra"
_MYSQL_LOCK_NAME = "openchoreo_catalog_migrations"
_LOCK_TIMEOUT_S = 600


def alembic_config() -> Config:
    """An Alembic config pointing at the packaged migrations (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def current_revision(conn: AsyncConnection) -> str | None:
    """The revision the database is at (None for an empty database)."""

    def _current(sync_conn: Connection) -> str | None:
        context = MigrationContext.configure(sync_conn, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()

    return await conn.run_sync(_current)


_IN_PROCESS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _process_lock() -> asyncio.Lock:
    """Alembic keeps its running context in module globals: one upgrade per process at once."""
    loop = asyncio.get_running_loop()
    lock = _IN_PROCESS.get(loop)
    if lock is None:
        lock = _IN_PROCESS[loop] = asyncio.Lock()
    return lock


async def upgrade(engine: AsyncEngine, dialect: Dialect) -> str | None:
    """Upgrade the database behind ``engine`` to head under a cross-process lock."""
    try:
        async with _process_lock(), engine.connect() as conn:
            await _lock(conn, dialect)
            try:
                if dialect == "sqlite":
                    await conn.execution_options(**{WRITE_OPTION: True})
                await conn.run_sync(_upgrade_sync)
                return await current_revision(conn)
            finally:
                await _unlock(conn, dialect)
    except MigrationError:
        raise
    except Exception as error:
        raise MigrationError(
            "migrate the database schema", describe(error), transient=is_transient(error)
        ) from error


def _upgrade_sync(sync_conn: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = sync_conn
    command.upgrade(config, "head")
    if sync_conn.in_transaction():
        sync_conn.commit()


async def _lock(conn: AsyncConnection, dialect: Dialect) -> None:
    if dialect == "postgresql":
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
        await conn.commit()
    elif dialect == "mysql":
        result = await conn.execute(
            text("SELECT GET_LOCK(:name, :timeout)"),
            {"name": _MYSQL_LOCK_NAME, "timeout": _LOCK_TIMEOUT_S},
        )
        acquired = result.scalar()
        await conn.commit()
        if acquired != 1:
            raise MigrationError(
                "migrate the database schema",
                f"another replica held the migration lock for more than {_LOCK_TIMEOUT_S} s",
            )


async def _unlock(conn: AsyncConnection, dialect: Dialect) -> None:
    if conn.closed or conn.invalidated:
        return
    if conn.in_transaction():
        await conn.rollback()
    if dialect == "postgresql":
        await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
        await conn.commit()
    elif dialect == "mysql":
        await conn.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": _MYSQL_LOCK_NAME})
        await conn.commit()
