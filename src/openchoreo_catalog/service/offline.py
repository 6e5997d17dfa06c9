"""The catalog database without the running service: what the CLI's offline commands use.

``status``, ``entities``, ``export``, ``reset`` and ``trigger`` work on the database
directly (another process may be serving meanwhile; every action is a guarded transaction
the running scheduler notices at its next tick). Migrations run first, as at service
start-up, so the commands also work on a database that was never served.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog import CatalogStore
from openchoreo_catalog.config import Settings
from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.tables import ingestions
from openchoreo_catalog.providers.openchoreo import INCREMENTAL_PROVIDER_NAME


@asynccontextmanager
async def open_catalog(settings: Settings) -> AsyncIterator[CatalogStore]:
    """A migrated database and its store, closed afterwards."""
    db = Database.from_settings(settings.backend.database)
    try:
        await db.migrate()
        yield CatalogStore(db)
    finally:
        await db.dispose()


async def engine_providers(db: Database, settings: Settings) -> list[str]:
    """Providers with engine state: the configured incremental one and any in the database."""

    async def read(conn: AsyncConnection) -> list[str]:
        rows = await conn.execute(select(ingestions.c.provider_name).distinct())
        return [row[0] for row in rows]

    found = set(await db.run(read, operation="list providers", readonly=True))
    if settings.openchoreo.mode == "incremental":
        found.add(INCREMENTAL_PROVIDER_NAME)
    return sorted(found)
