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
from sqlalchemy import literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.queries.fields import project, wants_relations
from openchoreo_catalog.catalog.relations import INVERSE
from openchoreo_catalog.db import chunk_size
from openchoreo_catalog.db.tables.catalog import entities, relations


@dataclass(frozen=True, slots=True)
class StoredRow:
    id: int
    ref: str
    body: str


async def load_relations(
    conn: AsyncConnection, rows: Sequence[StoredRow], *, bind_limit: int
) -> dict[int, list[tuple[str, str]]]:
    """``(type, targetRef)`` of each row's entity: those it declares and their inverses.

    One statement per chunk of rows: the declared relations (by source id) and the inverse
    ones (by target ref, with the declaring entity's ref) together.
    """
    found: dict[str, set[tuple[str, str]]] = {row.ref: set() for row in rows}
    for start in range(0, len(rows), chunk_size(bind_limit, 2, ceiling=1_000)):
        part = rows[start : start + chunk_size(bind_limit, 2, ceiling=1_000)]
        own = entities.alias("own")
        origin = entities.alias("origin")
        declared = (
            select(own.c.ref, relations.c.type, relations.c.target_ref, literal(0))
            .select_from(relations.join(own, own.c.id == relations.c.source_id))
            .where(relations.c.source_id.in_([row.id for row in part]))
        )
        inverse = (
            select(relations.c.target_ref, relations.c.type, origin.c.ref, literal(1))
            .select_from(relations.join(origin, origin.c.id == relations.c.source_id))
            .where(relations.c.target_ref.in_([row.ref for row in part]))
        )
        for owner, kind, other, flipped in await conn.execute(union_all(declared, inverse)):
            found[owner].add((INVERSE[kind], other) if flipped else (kind, other))
    return {row.id: sorted(found[row.ref]) for row in rows}


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
