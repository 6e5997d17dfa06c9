"""Reading the catalog tables directly, to check what the store wrote."""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import func, select

from openchoreo_catalog.catalog.search import key_hash
from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import entities, relations, search


async def stored_entities(db: Database) -> dict[str, dict[str, Any]]:
    """ref → {"provider", "hash", "body"} of every stored entity."""
    async with db.read() as conn:
        rows = (await conn.execute(select(entities))).all()
    return {
        row.ref: {
            "id": row.id,
            "uid": row.uid,
            "provider": row.provider,
            "hash": row.hash,
            "body": orjson.loads(row.body),
        }
        for row in rows
    }


async def search_values(db: Database, key: str) -> dict[int, set[str]]:
    """entity id → values stored under ``key``."""
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(search.c.entity_id, search.c.value).where(search.c.key_hash == key_hash(key))
            )
        ).all()
    found: dict[int, set[str]] = {}
    for entity_id, value in rows:
        found.setdefault(entity_id, set()).add(value)
    return found


async def relation_rows(db: Database) -> set[tuple[int, str, str]]:
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(relations.c.source_id, relations.c.type, relations.c.target_ref)
            )
        ).all()
    return {(r.source_id, r.type, r.target_ref) for r in rows}


async def row_counts(db: Database) -> tuple[int, int, int]:
    async with db.read() as conn:
        counts = []
        for table in (entities, search, relations):
            counts.append(
                int((await conn.execute(select(func.count()).select_from(table))).scalar_one())
            )
    return counts[0], counts[1], counts[2]
