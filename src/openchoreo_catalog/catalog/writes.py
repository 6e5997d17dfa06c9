"""The SQL the store writes with, one statement per step of a page, never one per entity.

Everything here runs on a connection the caller holds in a transaction, and sizes every
``IN`` list to the dialect's bind-parameter limit. Search rows are deleted by recomputing
them from the stored body and deleting those exact primary keys: the index has no
``entity_id``-leading index to delete by, because every extra index entry slows loads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.prepare import PreparedEntity
from openchoreo_catalog.catalog.refs import entity_uid
from openchoreo_catalog.catalog.search import bucket_of, search_rows
from openchoreo_catalog.db import Dialect, execute_in, execute_many, insert_ignore, select_in
from openchoreo_catalog.db.tables.catalog import entities, relations, search


@dataclass(frozen=True, slots=True)
class Stored:
    """What the store needs to know about an entity already in the catalog."""

    id: int
    uid: str
    provider: str
    hash: str


class Writer:
    """Bulk write steps on one connection (inside the caller's transaction)."""

    def __init__(self, conn: AsyncConnection, dialect: Dialect, bind_limit: int) -> None:
        self.conn = conn
        self.dialect = dialect
        self.bind_limit = bind_limit
        self._insert_search = insert_ignore(
            dialect, search, ["bucket", "key_hash", "value", "entity_id"]
        )
        self._insert_relation = insert_ignore(
            dialect, relations, ["source_id", "type", "target_ref"]
        )

    async def stored(self, uids: Sequence[str]) -> dict[str, Stored]:
        """The stored rows for ``uids`` (absent uids are missing from the result)."""
        if not uids:
            return {}
        columns = (entities.c.id, entities.c.uid, entities.c.provider, entities.c.hash)
        rows = await select_in(
            self.conn,
            lambda part: select(*columns).where(entities.c.uid.in_(part)),
            list(dict.fromkeys(uids)),
            bind_limit=self.bind_limit,
        )
        return {row.uid: Stored(row.id, row.uid, row.provider, row.hash) for row in rows}

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

    async def insert_entities(self, provider: str, prepared: Sequence[PreparedEntity]) -> None:
        """Insert new entity rows; a uid that appeared meanwhile is skipped, not an error."""
        if not prepared:
            return
        stmt = insert_ignore(self.dialect, entities, ["uid"])
        await execute_many(
            self.conn,
            stmt,
            (
                {"uid": p.uid, "ref": p.ref, "provider": provider, "hash": p.hash, "body": p.body}
                for p in prepared
            ),
            batch=1_000,
        )

    async def update_entities(self, changed: Sequence[tuple[int, PreparedEntity]]) -> None:
        if not changed:
            return
        stmt = (
            update(entities)
            .where(entities.c.id == bindparam("b_id"))
            .values(ref=bindparam("b_ref"), hash=bindparam("b_hash"), body=bindparam("b_body"))
        )
        await execute_many(
            self.conn,
            stmt,
            ({"b_id": i, "b_ref": p.ref, "b_hash": p.hash, "b_body": p.body} for i, p in changed),
            batch=1_000,
        )

    async def insert_index(self, written: Sequence[tuple[int, PreparedEntity]]) -> None:
        """Insert the search and relation rows of freshly written entities."""
        await execute_many(self.conn, self._insert_search, self._search_params(written))
        await execute_many(self.conn, self._insert_relation, _relation_params(written))

    async def delete_index(self, old: Sequence[tuple[int, str]]) -> None:
        """Delete the search and relation rows of entities, given their stored bodies."""
        if not old:
            return
        stmt = delete(search).where(
            search.c.bucket == bindparam("b_bucket"),
            search.c.key_hash == bindparam("b_key"),
            search.c.value == bindparam("b_value"),
            search.c.entity_id == bindparam("b_entity"),
        )
        await execute_many(self.conn, stmt, self._old_search_params(old))
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

    def _search_params(
        self, written: Sequence[tuple[int, PreparedEntity]]
    ) -> Iterator[dict[str, Any]]:
        dialect = self.dialect
        for entity_id, prepared in written:
            bucket = bucket_of(dialect, entity_id)
            for key, value, original in prepared.search:
                yield {
                    "bucket": bucket,
                    "key_hash": key,
                    "value": value,
                    "entity_id": entity_id,
                    "original_value": original,
                }

    def _old_search_params(self, old: Sequence[tuple[int, str]]) -> Iterator[dict[str, Any]]:
        for entity_id, body in old:
            bucket = bucket_of(self.dialect, entity_id)
            for key, value, _original in search_rows(orjson.loads(body)):
                yield {"b_bucket": bucket, "b_key": key, "b_value": value, "b_entity": entity_id}


def _relation_params(written: Sequence[tuple[int, PreparedEntity]]) -> Iterator[dict[str, Any]]:
    for entity_id, prepared in written:
        for relation in prepared.relations:
            yield {
                "source_id": entity_id,
                "type": relation.type,
                "target_ref": relation.target_ref,
                "target_uid": entity_uid(relation.target_ref),
            }
