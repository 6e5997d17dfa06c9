"""``/entities/by-query``: filter, full text, sort, and keyset pages with opaque cursors.

Pages follow a sort order that every entity has exactly one place in:

* no ``orderField``: by the internal id (insertion order), as Backstage orders by uid;
* ``orderField=<key>,asc|desc``: by the key's value (the smallest, when an entity has
  several), ties broken by id; entities without a value come last in either direction
  (Backstage's "nulls last"), in id order.

A cursor resumes strictly after (or, for ``prevCursor``, before) the position of the page's
boundary item, so concurrent additions and removals never repeat or skip an entity that
exists throughout. ``totalItems`` is counted on the first page and carried in the cursors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson
from sqlalchemy import func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import Subquery

from openchoreo_catalog.catalog.queries.counts import CountCache
from openchoreo_catalog.catalog.queries.cursor import (
    Position,
    QueryCursor,
    decode_cursor,
    encode_cursor,
)
from openchoreo_catalog.catalog.queries.errors import QueryError
from openchoreo_catalog.catalog.queries.keys import RelationKey, SearchKey, UidKey, key_source
from openchoreo_catalog.catalog.queries.order import OrderField
from openchoreo_catalog.catalog.queries.selection import Selection, SelectionPlan, plan_selection
from openchoreo_catalog.catalog.queries.serve import StoredRow, serve
from openchoreo_catalog.catalog.relations import INVERSE
from openchoreo_catalog.catalog.search import NULL_VALUE, key_hash
from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import entities, relations, search

DEFAULT_LIMIT = 20
MAX_LIMIT = 10_000
ALWAYS_PRESENT = frozenset({"kind", "metadata.name", "metadata.namespace", "apiversion"})
"""Keys every stored entity has: a sort by them never needs the "no value" phase."""


@dataclass(frozen=True)
class QueryRequest:
    selection: Selection = field(default_factory=Selection)
    order: OrderField | None = None
    limit: int = DEFAULT_LIMIT
    offset: int | None = None
    fields: list[str] | None = None
    count: bool = True
    """False for ``totalItems=exclude``: skip the count (the response says 0)."""
    cursor: str | None = None


@dataclass
class QueryResult:
    items: list[str]
    """Served entities as JSON text."""
    total_items: int
    next_cursor: str | None = None
    prev_cursor: str | None = None


async def query_entities(
    db: Database, request: QueryRequest, *, counts: CountCache | None = None
) -> QueryResult:
    """One page of ``/entities/by-query`` (see the module docstring)."""
    if not request.limit >= 0:
        raise QueryError("Invalid limit, must be zero or greater")
    limit = min(request.limit, MAX_LIMIT)
    if request.cursor is not None:
        cursor = decode_cursor(request.cursor)
        state = _State(
            cursor.selection,
            cursor.order,
            cursor.total,
            cursor.position,
            cursor.backwards,
            cursor.first,
            initial=False,
        )
    else:
        state = _State(request.selection, request.order, None, None, False, None, initial=True)
    async with db.read(operation="query entities") as conn:
        order_field = state.order.field if state.order else None
        plan = await plan_selection(conn, state.selection, order_field=order_field)
        total = state.total
        if total is None:
            total = await _count(db, conn, plan, state.selection, counts) if request.count else 0
        rows, positions = await _page(conn, plan, state, limit, request.offset)
        items = await serve(conn, rows, request.fields, bind_limit=db.bind_limit)
    return _result(
        state, items, positions, limit, total if request.count or state.total is not None else 0
    )


@dataclass
class _State:
    selection: Selection
    order: OrderField | None
    total: int | None
    position: Position | None
    backwards: bool
    first: Position | None
    initial: bool


async def _count(
    db: Database,
    conn: AsyncConnection,
    plan: SelectionPlan,
    selection: Selection,
    counts: CountCache | None,
) -> int:
    key = orjson.dumps(
        [
            selection.filter.to_json() if selection.filter else None,
            selection.text_term,
            list(selection.text_fields),
            id(db),
        ]
    ).decode()
    if counts is not None:
        cached = counts.get(key, db.generation)
        if cached is not None:
            return cached
    total: int = (await conn.execute(plan.count_query())).scalar_one()
    if counts is not None:
        counts.put(key, db.generation, total)
    return total


async def _page(
    conn: AsyncConnection,
    plan: SelectionPlan,
    state: _State,
    limit: int,
    offset: int | None,
) -> tuple[list[StoredRow], list[Position]]:
    """Up to ``limit + 1`` rows after (or before) the state's position, in display order."""
    if limit == 0:
        return [], []
    if state.order is None:
        found = await _by_id(conn, plan, state, limit + 1, offset)
    else:
        found = await _by_field(conn, plan, state, state.order, limit + 1, offset)
    if state.backwards:
        found.reverse()
    return [row for row, _ in found], [position for _, position in found]


async def _by_id(
    conn: AsyncConnection, plan: SelectionPlan, state: _State, count: int, offset: int | None
) -> list[tuple[StoredRow, Position]]:
    query = select(entities.c.id, entities.c.ref, entities.c.body)
    predicate = plan.predicate(entities.c.id)
    if predicate is not None:
        query = query.where(predicate)
    if state.position is not None:
        boundary = state.position.id
        query = query.where(
            entities.c.id < boundary if state.backwards else entities.c.id > boundary
        )
    query = query.order_by(entities.c.id.desc() if state.backwards else entities.c.id.asc())
    if offset and state.initial:
        query = query.offset(offset)
    result = await conn.execute(query.limit(count))
    return [(StoredRow(i, ref, body), Position(i)) for i, ref, body in result]


async def _by_field(
    conn: AsyncConnection,
    plan: SelectionPlan,
    state: _State,
    order: OrderField,
    count: int,
    offset: int | None,
) -> list[tuple[StoredRow, Position]]:
    """Keyset over (phase, value, id): phase 0 has a value, phase 1 has none."""
    ascending = (order.direction == "asc") != state.backwards
    position = state.position
    found: list[tuple[StoredRow, Position]] = []
    phases = [0, 1] if not state.backwards else [1, 0]
    skip = offset if (offset and state.initial) else 0
    count += skip  # an initial offset is rare: fetch past it and slice
    for phase in phases:
        if position is not None:
            if not state.backwards and phase < position.phase:
                continue
            if state.backwards and phase > position.phase:
                continue
        boundary = position if position is not None and position.phase == phase else None
        want = count - len(found)
        if want <= 0:
            break
        if phase == 0:
            rows = await _with_value(conn, plan, order.field, ascending, boundary, want)
        else:
            if order.field in ALWAYS_PRESENT:
                continue
            id_ascending = ascending if order.direction == "asc" else not ascending
            rows = await _without_value(conn, plan, order.field, id_ascending, boundary, want)
        found += rows
    return found[skip:]


async def _with_value(
    conn: AsyncConnection,
    plan: SelectionPlan,
    key: str,
    ascending: bool,
    boundary: Position | None,
    count: int,
) -> list[tuple[StoredRow, Position]]:
    values = await _value_table(conn, key)
    entity_id, value = values.c.entity_id, values.c.value
    query = select(entity_id, value, entities.c.ref, entities.c.body).join_from(
        values, entities, entities.c.id == entity_id
    )
    predicate = plan.predicate(entity_id)
    if predicate is not None:
        query = query.where(predicate)
    if boundary is not None:
        assert boundary.value is not None
        # "(value, id) after the boundary", spelled so every planner starts an index range
        # at the boundary value instead of scanning from the first one.
        if ascending:
            query = query.where(
                value >= boundary.value, or_(value > boundary.value, entity_id > boundary.id)
            )
        else:
            query = query.where(
                value <= boundary.value, or_(value < boundary.value, entity_id < boundary.id)
            )
    if ascending:
        query = query.order_by(value.asc(), entity_id.asc())
    else:
        query = query.order_by(value.desc(), entity_id.desc())
    result = await conn.execute(query.limit(count))
    return [(StoredRow(i, ref, body), Position(i, v, 0)) for i, v, ref, body in result]


async def _value_table(conn: AsyncConnection, key: str) -> Subquery:
    """Rows ``(entity_id, value)``: each entity with a value for ``key``, once, its least."""
    source = key_source(key)
    if isinstance(source, SearchKey):
        multi = (
            await conn.execute(
                select(literal(1)).where(search.c.key_hash.in_(source.multi_hashes)).limit(1)
            )
        ).first()
        if multi is None:
            # Bare keys hold one value per entity: the index scan is already in order.
            return (
                select(search.c.entity_id, search.c.value)
                .where(search.c.key_hash == key_hash(key), search.c.value != NULL_VALUE)
                .subquery("sort_values")
            )
        return (
            select(search.c.entity_id, func.min(search.c.value).label("value"))
            .where(search.c.key_hash.in_(source.hashes), search.c.value != NULL_VALUE)
            .group_by(search.c.entity_id)
            .subquery("sort_values")
        )
    if isinstance(source, UidKey):
        return select(entities.c.id.label("entity_id"), entities.c.uid.label("value")).subquery(
            "sort_values"
        )
    return _relation_values(source)


def _relation_values(source: RelationKey) -> Subquery:
    if source.type is None:
        return (
            select(entities.c.id.label("entity_id"), entities.c.ref.label("value"))
            .where(literal(False))
            .subquery("sort_values")
        )
    origin = entities.alias("origin")
    target = entities.alias("target")
    declared = select(
        relations.c.source_id.label("entity_id"), relations.c.target_ref.label("value")
    ).where(relations.c.type == source.type)
    inverse = (
        select(target.c.id.label("entity_id"), origin.c.ref.label("value"))
        .select_from(
            relations.join(target, target.c.ref == relations.c.target_ref).join(
                origin, origin.c.id == relations.c.source_id
            )
        )
        .where(relations.c.type == INVERSE[source.type])
    )
    both = declared.union_all(inverse).subquery("relation_values")
    return (
        select(both.c.entity_id, func.min(both.c.value).label("value"))
        .group_by(both.c.entity_id)
        .subquery("sort_values")
    )


async def _without_value(
    conn: AsyncConnection,
    plan: SelectionPlan,
    key: str,
    ascending: bool,
    boundary: Position | None,
    count: int,
) -> list[tuple[StoredRow, Position]]:
    values = await _value_table(conn, key)
    query = select(entities.c.id, entities.c.ref, entities.c.body).where(
        entities.c.id.not_in(select(values.c.entity_id))
    )
    predicate = plan.predicate(entities.c.id)
    if predicate is not None:
        query = query.where(predicate)
    if boundary is not None:
        query = query.where(
            entities.c.id > boundary.id if ascending else entities.c.id < boundary.id
        )
    query = query.order_by(entities.c.id.asc() if ascending else entities.c.id.desc())
    result = await conn.execute(query.limit(count))
    return [(StoredRow(i, ref, body), Position(i, None, 1)) for i, ref, body in result]


def _result(
    state: _State, items: list[str], positions: list[Position], limit: int, total: int
) -> QueryResult:
    more = len(items) > limit
    if more:
        # one extra row was fetched to learn that more exist; drop it at the far end
        if state.backwards:
            items, positions = items[1:], positions[1:]
        else:
            items, positions = items[:limit], positions[:limit]
    first = state.first if state.first is not None else (positions[0] if positions else None)

    def make(position: Position, backwards: bool) -> str:
        return encode_cursor(
            QueryCursor(state.selection, state.order, total, position, backwards, first)
        )

    next_cursor = prev_cursor = None
    if positions:
        if (more and not state.backwards) or (state.backwards and not state.initial):
            next_cursor = make(positions[-1], False)
        at_start = positions[0] == first
        if not state.initial and (more if state.backwards else not at_start):
            prev_cursor = make(positions[0], True)
    return QueryResult(items, total, next_cursor, prev_cursor)
