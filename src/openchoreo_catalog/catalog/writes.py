"""The SQL the store writes with, one statement per step of a page, never one per entity.

Everything here runs on a connection the caller holds in a transaction, and sizes every
``IN`` list to the dialect's bind-parameter limit. Rows go to the driver as tuples (see
``db.bulk``): at ~20 search rows an entity, per-row overhead decides the load rate. Search
rows are deleted by recomputing them from the stored body and deleting those exact primary
keys: the index has no ``entity_id``-leading index to delete by, because every extra index
entry slows loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.prepare import PreparedEntity
from openchoreo_catalog.catalog.search import search_rows
from openchoreo_catalog.db import Dialect, execute_in, execute_many, select_in
from openchoreo_catalog.db.bulk import BulkInsert, delete_by_key_sql, execute_many_raw
from openchoreo_catalog.db.limits import chunk_size, chunked
from openchoreo_catalog.db.tables.catalog import entities, relations, search

_INSERT_ENTITIES = BulkInsert(
    entities, ("uid", "ref", "provider", "hash", "body"), ignore_conflicts_on=("ref",)
)
_INSERT_SEARCH = BulkInsert(
    search,
    ("key_hash", "value", "entity_id", "original_value"),
    ignore_conflicts_on=("key_hash", "value", "entity_id"),
)
_INSERT_RELATIONS = BulkInsert(
    relations,
    ("source_id", "type", "target_ref"),
    ignore_conflicts_on=("source_id", "type", "target_ref"),
)


@dataclass(frozen=True, slots=True)
class Stored:
    """What the store needs to know about an entity already in the catalog."""

    id: int
    ref: str
    provider: str
    hash: str


class Writer:
    """Bulk write steps on one connection (inside the caller's transaction)."""

    def __init__(self, conn: AsyncConnection, dialect: Dialect, bind_limit: int) -> None:
        self.conn = conn
        self.dialect = dialect
        self.bind_limit = bind_limit

    async def stored(self, refs: Sequence[str]) -> dict[str, Stored]:
        """The stored rows for ``refs`` (canonical; absent refs are missing from the result)."""
        if not refs:
            return {}
        if self.dialect == "sqlite":
            found = await self._sqlite_json_rows(
                "json_array(id, ref, provider, hash)", "ref", list(dict.fromkeys(refs))
            )
            return {row[1]: Stored(row[0], row[1], row[2], row[3]) for row in found}
        columns = (entities.c.id, entities.c.ref, entities.c.provider, entities.c.hash)
        rows = await select_in(
            self.conn,
            lambda part: select(*columns).where(entities.c.ref.in_(part)),
            list(dict.fromkeys(refs)),
            bind_limit=self.bind_limit,
        )
        return {row.ref: Stored(row.id, row.ref, row.provider, row.hash) for row in rows}

    async def bodies(self, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await select_in(
            self.conn,
            lambda part: select(entities.c.id, entities.c.body).where(entities.c.id.in_(part)),
            ids,
            bind_limit=self.bind_limit,
        )
        return {row.id: row.body for row in rows}

    async def _sqlite_json_rows(self, row: str, column: str, keys: list[Any]) -> list[Any]:
        """``row`` (a ``json_array``) of the entities whose ``column`` is in ``keys``, all
        in one JSON text per chunk: one step instead of one per row (see the module doc)."""
        found: list[Any] = []
        for part in chunked(keys, chunk_size(self.bind_limit)):
            sql = _json_rows_sql(row, column, len(part))
            result = await self.conn.exec_driver_sql(sql, tuple(part))
            text = result.scalar()
            if text:
                found += orjson.loads(text)
        return found

    async def insert_entities(self, provider: str, prepared: Sequence[PreparedEntity]) -> None:
        """Insert new entity rows; a ref that appeared meanwhile is skipped, not an error."""
        rows = [(p.uid, p.ref, provider, p.hash, p.body) for p in prepared]
        await _INSERT_ENTITIES.run(self.conn, rows, bind_limit=self.bind_limit)

    async def update_entities(self, changed: Sequence[tuple[int, PreparedEntity]]) -> None:
        if not changed:
            return
        stmt = (
            update(entities)
            .where(entities.c.id == bindparam("b_id"))
            .values(hash=bindparam("b_hash"), body=bindparam("b_body"))
        )
        await execute_many(
            self.conn,
            stmt,
            ({"b_id": i, "b_hash": p.hash, "b_body": p.body} for i, p in changed),
            batch=1_000,
        )

    async def insert_index(self, written: Sequence[tuple[int, PreparedEntity]]) -> None:
        """Insert the search and relation rows of freshly written entities."""
        flat: list[Any] = []  # (key_hash, value, entity_id, original_value) row after row
        relation_rows: list[tuple[Any, ...]] = []
        for entity_id, prepared in written:
            rows = prepared.search
            if rows:
                # ~20 rows an entity: transposing and slice assignment run in C (a tuple
                # per row built in Python cost ~6 µs an entity more, measured)
                keys, values, originals = zip(*rows, strict=True)
                part = [entity_id] * (4 * len(rows))
                part[0::4] = keys
                part[1::4] = values
                part[3::4] = originals
                flat += part
            relation_rows += [(entity_id, r.type, r.target_ref) for r in prepared.relations]
        await _INSERT_SEARCH.run_flat(self.conn, flat, bind_limit=self.bind_limit)
        await _INSERT_RELATIONS.run(self.conn, relation_rows, bind_limit=self.bind_limit)

    async def replace_index(self, changed: Sequence[tuple[int, str, PreparedEntity]]) -> None:
        """Turn the index rows of changed entities (id, stored body, new version) into the
        new version's: only search rows that differ are deleted and inserted (an update
        usually changes a few of ~20), relations are rewritten whole."""
        sql = delete_by_key_sql(search, ("key_hash", "value", "entity_id"), self.dialect)
        stale: list[tuple[Any, ...]] = []
        flat: list[Any] = []
        relation_rows: list[tuple[Any, ...]] = []
        for entity_id, body, prepared in changed:
            before = set(search_rows(orjson.loads(body)))
            after = prepared.search
            now = set(after)
            stale += [(key, value, entity_id) for key, value, orig in before - now]
            for key, value, orig in after:
                if (key, value, orig) not in before:
                    flat += (key, value, entity_id, orig)
            relation_rows += [(entity_id, r.type, r.target_ref) for r in prepared.relations]
        # deletes first: a row whose original spelling changed is deleted, then re-inserted
        await execute_many_raw(self.conn, sql, stale)
        await execute_in(
            self.conn,
            lambda part: delete(relations).where(relations.c.source_id.in_(part)),
            [entity_id for entity_id, _, _ in changed],
            bind_limit=self.bind_limit,
        )
        await _INSERT_SEARCH.run_flat(self.conn, flat, bind_limit=self.bind_limit)
        await _INSERT_RELATIONS.run(self.conn, relation_rows, bind_limit=self.bind_limit)

    async def delete_index(self, old: Sequence[tuple[int, str]]) -> None:
        """Delete the search and relation rows of entities, given their stored bodies."""
        if not old:
            return
        keys: list[tuple[Any, ...]] = []
        for entity_id, body in old:
            keys += [(key, value, entity_id) for key, value, _ in search_rows(orjson.loads(body))]
        sql = delete_by_key_sql(search, ("key_hash", "value", "entity_id"), self.dialect)
        await execute_many_raw(self.conn, sql, keys)
        await execute_in(
            self.conn,
            lambda part: delete(relations).where(relations.c.source_id.in_(part)),
            [entity_id for entity_id, _ in old],
            bind_limit=self.bind_limit,
        )

    async def delete_entities(self, ids: Sequence[int]) -> None:
        await execute_in(
            self.conn,
            lambda part: delete(entities).where(entities.c.id.in_(part)),
            ids,
            bind_limit=self.bind_limit,
        )


@lru_cache(maxsize=64)
def _json_rows_sql(row: str, column: str, count: int) -> str:
    marks = ",".join("?" * count)
    # our own column expressions only, never input
    return f"SELECT json_group_array({row}) FROM catalog_entities WHERE {column} IN ({marks})"  # noqa: S608
