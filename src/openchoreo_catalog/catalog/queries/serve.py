"""Turning stored rows into served entities: relations added, fields projected.

Bodies are stored as the JSON that is served, minus ``relations``. Without ``fields`` the
relations are spliced into that text, so a page of 100 entities is never parsed and
re-serialised; with ``fields`` each entity is parsed and projected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.queries.fields import project, wants_relations
from openchoreo_catalog.catalog.relations import INVERSE
from openchoreo_catalog.db import select_in
from openchoreo_catalog.db.tables.catalog import entities, relations


@dataclass(frozen=True, slots=True)
class StoredRow:
    id: int
    ref: str
    body: str


async def load_relations(
    conn: AsyncConnection, rows: Sequence[StoredRow], *, bind_limit: int
) -> dict[int, list[tuple[str, str]]]:
    """``(type, targetRef)`` of each row's entity: those it declares and their inverses."""
    found: dict[int, set[tuple[str, str]]] = {row.id: set() for row in rows}
    if not rows:
        return {}
    declared = await select_in(
        conn,
        lambda part: select(relations.c.source_id, relations.c.type, relations.c.target_ref).where(
            relations.c.source_id.in_(part)
        ),
        [row.id for row in rows],
        bind_limit=bind_limit,
    )
    for source_id, kind, target in declared:
        found[source_id].add((kind, target))
    by_ref = {row.ref: row.id for row in rows}
    inverse = await select_in(
        conn,
        lambda part: (
            select(relations.c.target_ref, relations.c.type, entities.c.ref)
            .select_from(relations.join(entities, entities.c.id == relations.c.source_id))
            .where(relations.c.target_ref.in_(part))
        ),
        list(by_ref),
        bind_limit=bind_limit,
    )
    for target, kind, origin in inverse:
        found[by_ref[target]].add((INVERSE[kind], origin))
    return {entity_id: sorted(pairs) for entity_id, pairs in found.items()}


async def serve(
    conn: AsyncConnection,
    rows: Sequence[StoredRow],
    fields: list[str] | None,
    *,
    bind_limit: int,
) -> list[str]:
    """The served JSON text of each row, in order."""
    related = (
        await load_relations(conn, rows, bind_limit=bind_limit) if wants_relations(fields) else {}
    )
    served: list[str] = []
    for row in rows:
        text = with_relations(row.body, related.get(row.id, []))
        if fields is not None:
            text = orjson.dumps(project(orjson.loads(text), fields)).decode()
        served.append(text)
    return served


def with_relations(body: str, pairs: Sequence[tuple[str, str]]) -> str:
    listed = orjson.dumps([{"type": kind, "targetRef": target} for kind, target in pairs])
    return f'{body[:-1]},"relations":{listed.decode()}}}'


def parse(items: Sequence[str | None]) -> list[dict[str, Any] | None]:
    """Served JSON text → dicts (for Python callers)."""
    return [orjson.loads(item) if item is not None else None for item in items]
