"""``/entity-facets``: how many entities carry each value of a field, and counts per kind."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.queries.errors import QueryError
from openchoreo_catalog.catalog.queries.keys import RelationKey, SearchKey, key_source
from openchoreo_catalog.catalog.queries.selection import Selection, SelectionPlan, plan_selection
from openchoreo_catalog.catalog.relations import INVERSE
from openchoreo_catalog.catalog.search import NULL_VALUE, key_hash
from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import entities, relations, search

MAX_FACETS = 50
Facet = dict[str, object]


async def entity_facets(
    db: Database, facets: Sequence[str], *, selection: Selection | None = None
) -> dict[str, list[Facet]]:
    """``{facet: [{"value", "count"}]}``, most common first, for the selected entities."""
    names = [f for f in facets if f]
    if not names:
        raise QueryError("Missing facet parameter")
    if len(names) > MAX_FACETS:
        raise QueryError(f"Invalid facet, at most {MAX_FACETS}")
    result: dict[str, list[Facet]] = {}
    async with db.read(operation="count entity facets") as conn:
        plan = await plan_selection(conn, selection or Selection())
        for name in names:
            result[name] = await _facet(conn, name.lower(), plan)
    return result


async def _facet(conn: AsyncConnection, key: str, plan: SelectionPlan) -> list[Facet]:
    source = key_source(key)
    if isinstance(source, SearchKey):
        shown = func.coalesce(search.c.original_value, search.c.value)
        parts = [
            select(search.c.entity_id, shown.label("value")).where(
                search.c.key_hash.in_(source.hashes), search.c.value != NULL_VALUE
            )
        ]
        parts += [
            select(search.c.entity_id, literal("true").label("value")).where(
                search.c.key_hash == h, search.c.value == item
            )
            for h, item in source.synthetic
        ]
        rows = (
            union_all(*parts).subquery("facet_rows")
            if len(parts) > 1
            else parts[0].subquery("facet_rows")
        )
    elif isinstance(source, RelationKey):
        if source.type is None:
            return []
        target = entities.alias("target")
        origin = entities.alias("origin")
        rows = union_all(
            select(
                relations.c.source_id.label("entity_id"), relations.c.target_ref.label("value")
            ).where(relations.c.type == source.type),
            select(target.c.id.label("entity_id"), origin.c.ref.label("value"))
            .select_from(
                relations.join(target, target.c.ref == relations.c.target_ref).join(
                    origin, origin.c.id == relations.c.source_id
                )
            )
            .where(relations.c.type == INVERSE[source.type]),
        ).subquery("facet_rows")
    else:
        rows = select(entities.c.id.label("entity_id"), entities.c.uid.label("value")).subquery(
            "facet_rows"
        )
    count = func.count(rows.c.entity_id.distinct())
    query = select(rows.c.value, count).group_by(rows.c.value)
    predicate = plan.predicate(rows.c.entity_id)
    if predicate is not None:
        query = query.where(predicate)
    found = [(str(value), int(n)) for value, n in await conn.execute(query)]
    found.sort(key=lambda item: (-item[1], item[0]))
    return [{"value": value, "count": n} for value, n in found]


async def counts_by_kind(db: Database) -> dict[str, int]:
    """Entities per kind (as spelled in the entities), for overviews."""
    async with db.read(operation="count entities by kind") as conn:
        shown = func.coalesce(search.c.original_value, search.c.value)
        query = (
            select(shown, func.count())
            .where(search.c.key_hash == key_hash("kind"), search.c.value != NULL_VALUE)
            .group_by(shown)
        )
        return {str(kind): int(n) for kind, n in await conn.execute(query)}
