"""Fetching entities by ref, uid or name, and the legacy ``GET /entities`` listing."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, null, select

from openchoreo_catalog.catalog.queries.errors import QueryError
from openchoreo_catalog.catalog.queries.keys import SearchKey, UidKey, key_source
from openchoreo_catalog.catalog.queries.order import OrderField
from openchoreo_catalog.catalog.queries.selection import Selection, plan_selection
from openchoreo_catalog.catalog.queries.serve import StoredRow, serve
from openchoreo_catalog.catalog.refs import InvalidRef, normalize_ref, stringify_ref
from openchoreo_catalog.catalog.search import NULL_VALUE
from openchoreo_catalog.db import Database, select_in
from openchoreo_catalog.db.tables.catalog import entities, search

MAX_REFS = 10_000
LIST_CHUNK = 1_000


def canonical_or_none(ref: object) -> str | None:
    """The canonical form of a requested ref, or None when it cannot name an entity."""
    if not isinstance(ref, str):
        return None
    try:
        return normalize_ref(ref)
    except InvalidRef:
        return None


async def entities_by_refs(
    db: Database,
    refs: Sequence[str],
    *,
    fields: list[str] | None = None,
    selection: Selection | None = None,
) -> list[str | None]:
    """The served entity for each ref, in order; None where none is (or it is filtered out)."""
    if len(refs) > MAX_REFS:
        raise QueryError(f"Invalid entityRefs, at most {MAX_REFS} per request")
    canonical = [canonical_or_none(ref) for ref in refs]
    wanted = sorted({ref for ref in canonical if ref is not None})
    async with db.read(operation="fetch entities by ref") as conn:
        predicate = None
        if selection is not None and not selection.empty:
            plan = await plan_selection(conn, selection)
            predicate = plan.predicate(entities.c.id)

        def build(part: Sequence[str]) -> Select[int, str, str]:
            query = select(entities.c.id, entities.c.ref, entities.c.body).where(
                entities.c.ref.in_(part)
            )
            return query if predicate is None else query.where(predicate)

        rows = [
            StoredRow(*row)
            for row in await select_in(conn, build, wanted, bind_limit=db.bind_limit)
        ]
        served = await serve(conn, rows, fields, bind_limit=db.bind_limit)
    by_ref = {row.ref: text for row, text in zip(rows, served, strict=True)}
    return [by_ref.get(ref) if ref is not None else None for ref in canonical]


async def entity_by_ref(db: Database, ref: str, *, fields: list[str] | None = None) -> str | None:
    [found] = await entities_by_refs(db, [ref], fields=fields)
    return found


async def entity_by_name(db: Database, kind: str, namespace: str, name: str) -> str | None:
    return await entity_by_ref(db, stringify_ref(kind, namespace, name))


async def entity_by_uid(db: Database, uid: str, *, fields: list[str] | None = None) -> str | None:
    async with db.read(operation="fetch entity by uid") as conn:
        row = (
            await conn.execute(
                select(entities.c.id, entities.c.ref, entities.c.body).where(
                    entities.c.uid == uid.lower()
                )
            )
        ).first()
        if row is None:
            return None
        [served] = await serve(conn, [StoredRow(*row)], fields, bind_limit=db.bind_limit)
    return served


async def list_entities(
    db: Database,
    *,
    selection: Selection,
    order: Sequence[OrderField] = (),
    limit: int | None = None,
    offset: int = 0,
    fields: list[str] | None = None,
) -> AsyncGenerator[str, None]:
    """The legacy listing: every matching entity (or a ``limit``/``offset`` window of them).

    Ordered by ref, or by the ``order`` fields (their least value, missing values last)
    then by id. Yields served JSON in chunks, so an unbounded listing of a large catalog
    does not sit in memory.
    """
    async with db.read(operation="list entities") as conn:
        plan = await plan_selection(conn, selection)
        query = select(entities.c.id, entities.c.ref, entities.c.body)
        predicate = plan.predicate(entities.c.id)
        if predicate is not None:
            query = query.where(predicate)
        if order:
            for index, directive in enumerate(order):
                value = _sort_value(directive.field, index)
                query = query.order_by(value.is_(None))
                query = query.order_by(
                    value.asc() if directive.direction == "asc" else value.desc()
                )
            query = query.order_by(entities.c.id)
        else:
            query = query.order_by(entities.c.ref)
        remaining = limit
        position = offset
        while remaining is None or remaining > 0:
            size = LIST_CHUNK if remaining is None else min(LIST_CHUNK, remaining)
            rows = [StoredRow(*r) for r in await conn.execute(query.offset(position).limit(size))]
            if not rows:
                return
            for text in await serve(conn, rows, fields, bind_limit=db.bind_limit):
                yield text
            position += len(rows)
            if remaining is not None:
                remaining -= len(rows)
            if len(rows) < size:
                return


def _sort_value(field: str, index: int) -> ColumnElement[Any]:
    """An entity's least value for ``field`` (NULL when it has none, or for relations)."""
    source = key_source(field)
    if isinstance(source, SearchKey):
        alias = search.alias(f"order_{index}")
        return (
            select(func.min(alias.c.value))
            .where(
                alias.c.key_hash.in_(source.hashes),
                alias.c.value != NULL_VALUE,
                alias.c.entity_id == entities.c.id,
            )
            .scalar_subquery()
        )
    if isinstance(source, UidKey):
        return entities.c.uid
    return null()
