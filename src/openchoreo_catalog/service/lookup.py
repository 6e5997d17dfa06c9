"""The event handler's view of the catalog: which refs a provider holds under an object.

Implements the providers' :class:`~openchoreo_catalog.providers.openchoreo.EntityRefLookup`:
the provider's entities (the ``provider`` column) whose ``openchoreo.io/organization``
annotation is the organization, and — when given — whose ``openchoreo.io/project`` (or
``openchoreo.io/project-id``, on Systems) is the project and ``openchoreo.io/component`` the
component.

One query, driven by the narrowest condition given (component, else project, else
organization) through the search table's ``(key_hash, value, entity_id)`` key; the other
conditions are point lookups on that key (``EXISTS``). The handler asks once per event, so
this must not grow with the size of the project or organization around the object: a
project of 10,000 components costs the same per component event as one of ten.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.search import key_hash
from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import SEARCH_VALUE_MAX, entities, search


def _hashes(annotation: str) -> int:
    return key_hash(f"metadata.annotations.{annotation}")


def _has(entity_id: Any, annotations: tuple[str, ...], value: str) -> ColumnElement[bool]:
    """``entity_id`` carries one of ``annotations`` equal to ``value`` (a key lookup)."""
    return exists().where(
        search.c.key_hash.in_([_hashes(a) for a in annotations]),
        search.c.value == value.lower(),
        search.c.entity_id == entity_id,
    )


ORGANIZATION = ("openchoreo.io/organization",)
PROJECT = ("openchoreo.io/project", "openchoreo.io/project-id")
COMPONENT = ("openchoreo.io/component",)


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
        conditions: list[tuple[tuple[str, ...], str]] = [(ORGANIZATION, organization)]
        if project is not None:
            conditions.append((PROJECT, project))
        if component is not None:
            conditions.append((COMPONENT, component))
        (drive_keys, drive_value), *others = reversed(conditions)
        driver = (
            select(search.c.entity_id)
            .where(
                search.c.key_hash.in_([_hashes(a) for a in drive_keys]),
                search.c.value == drive_value.lower(),
            )
            .subquery()
        )
        query = (
            select(entities.c.ref)
            .distinct()
            .join(driver, driver.c.entity_id == entities.c.id)
            .where(entities.c.provider == self.provider)
        )
        for keys, value in others:
            query = query.where(_has(entities.c.id, keys, value))

        async def read(conn: AsyncConnection) -> list[str]:
            return [row[0] for row in await conn.execute(query.order_by(entities.c.ref))]

        return await self.db.run(read, operation="look up refs for an event", readonly=True)
