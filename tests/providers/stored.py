"""Reading the catalog back from the database in tests, and a store-backed event lookup.

The lookup is what the service will implement with catalog queries; here it is a plain scan
of the provider's stored entities (tests are small).
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import select

from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import entities


async def stored(db: Database, provider: str | None = None) -> dict[str, dict[str, Any]]:
    """Every stored entity (of ``provider``) by canonical ref."""
    query = select(entities.c.ref, entities.c.body)
    if provider is not None:
        query = query.where(entities.c.provider == provider)
    async with db.transaction() as conn:
        rows = (await conn.execute(query)).all()
    return {row.ref: orjson.loads(row.body) for row in rows}


class StoreLookup:
    """``EntityRefLookup`` over the stored entities' ``openchoreo.io/*`` annotations."""

    def __init__(self, db: Database, provider: str) -> None:
        self.db = db
        self.provider = provider

    async def refs_in(
        self, organization: str, project: str | None = None, component: str | None = None
    ) -> list[str]:
        found = []
        for ref, entity in (await stored(self.db, self.provider)).items():
            notes = entity["metadata"].get("annotations", {})
            if notes.get("openchoreo.io/organization") != organization:
                continue
            projects = (notes.get("openchoreo.io/project"), notes.get("openchoreo.io/project-id"))
            if project is not None and project not in projects:
                continue
            if component is not None and notes.get("openchoreo.io/component") != component:
                continue
            found.append(ref)
        return found
