"""The event handler's view of the catalog: which refs a provider holds under an object.

Implements the providers' :class:`~openchoreo_catalog.providers.openchoreo.EntityRefLookup`:
the provider's entities (the ``provider`` column) whose ``openchoreo.io/organization``
annotation is the organization, and — when given — whose ``openchoreo.io/project`` (or
``openchoreo.io/project-id``, on Systems) is the project and ``openchoreo.io/component`` the
component. One indexed query on the search table's ``(key_hash, value)`` rows: the handler
asks once per event, so the general filter planner (which first counts each condition on
SQLite) would cost more than the answer.
"""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.search import key_hash
from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import SEARCH_VALUE_MAX, entities, search


def _having(annotation: str, value: str) -> Select[tuple[int]]:
    """Ids of entities whose annotation ``annotation`` equals ``value`` (case-insensitively,
    as the search index stores values)."""
    return select(search.c.entity_id).where(
        search.c.key_hash == key_hash(f"metadata.annotations.{annotation}"),
        search.c.value == value.lower(),
    )


class CatalogLookup:
    """``refs_in(organization, project=None, component=None)`` over ``db``'s catalog."""

    def __init__(self, db: Database, provider: str) -> None:
        self.db = db
        self.provider = provider

    async def refs_in(
        self, organization: str, project: str | None = None, component: str | None = None
    ) -> list[str]:
        names = [organization, project or "", component or ""]
        if any(len(name) > SEARCH_VALUE_MAX for name in names):
            return []  # longer than any name OpenChoreo allows; the index does not hold it
        query = select(entities.c.ref).where(
            entities.c.provider == self.provider,
            entities.c.id.in_(_having("openchoreo.io/organization", organization)),
        )
        if project is not None:
            query = query.where(
                or_(
                    entities.c.id.in_(_having("openchoreo.io/project", project)),
                    entities.c.id.in_(_having("openchoreo.io/project-id", project)),
                )
            )
        if component is not None:
            query = query.where(entities.c.id.in_(_having("openchoreo.io/component", component)))

        async def read(conn: AsyncConnection) -> list[str]:
            return [row[0] for row in await conn.execute(query.order_by(entities.c.ref))]

        return await self.db.run(read, operation="look up refs for an event", readonly=True)
