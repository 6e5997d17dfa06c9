"""The sweep's bookkeeping: per provider, the refs it emitted and has not removed ("active"),
each with the cycle that saw it last.

One table keyed ``(provider_name, entity_ref)`` instead of Backstage's mark-entity rows plus
``active_entities``: "seen in this cycle" is ``last_seen_ingestion = :cycle``, stale is the
provider's rows where it is not, and both are answered by one index. Every statement is
scoped by provider, so two providers emitting the same ref never touch each other's rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.refs import stringify_ref
from openchoreo_catalog.db import Dialect, execute_in, upsert
from openchoreo_catalog.db.bulk import BulkInsert
from openchoreo_catalog.db.limits import max_binds
from openchoreo_catalog.ingestion.tables import NAME_MAX, bookkeeping

_UPSERT_SEEN = BulkInsert(
    bookkeeping,
    ("provider_name", "entity_ref", "last_seen_ingestion"),
    update_on_conflict=(("provider_name", "entity_ref"), ("last_seen_ingestion",)),
    rows_per_statement=1_024,  # a page's refs (up to 1,024) in one statement
)


def refs_of(entities: Iterable[Mapping[str, Any]]) -> list[str]:
    """Canonical refs of ``entities``, once each, in order.

    Invalid entities count too when their kind and name can be read: they exist upstream, so
    the sweep must not remove their previously stored version. Refs too long for the
    bookkeeping (only invalid entities can have them) are left out.
    """
    seen: dict[str, None] = {}
    for entity in entities:
        ref = ref_of(entity)
        if ref is not None and len(ref) <= NAME_MAX:
            seen[ref] = None
    return list(seen)


def ref_of(entity: object) -> str | None:
    if not isinstance(entity, Mapping):
        return None
    kind = entity.get("kind")
    metadata = entity.get("metadata")
    if not isinstance(kind, str) or not kind or not isinstance(metadata, Mapping):
        return None
    name = metadata.get("name")
    namespace = metadata.get("namespace")
    if not isinstance(name, str) or not name:
        return None
    if namespace is not None and (not isinstance(namespace, str) or not namespace):
        return None
    return stringify_ref(kind, namespace, name)


async def mark_seen(
    conn: AsyncConnection,
    dialect: Dialect,
    provider: str,
    ingestion_id: str | None,
    refs: Sequence[str],
) -> None:
    """Make ``refs`` active for ``provider`` and seen by ``ingestion_id``.

    SQLite and PostgreSQL: multi-row upserts (one statement per few hundred refs; ``refs``
    must be distinct, as :func:`refs_of` makes them). MySQL: one executemany.
    """
    if not refs:
        return
    if dialect != "mysql":
        rows = [(provider, ref, ingestion_id) for ref in refs]
        await _UPSERT_SEEN.run(conn, rows, bind_limit=max_binds(dialect))
        return
    stmt = upsert(dialect, bookkeeping, ["provider_name", "entity_ref"], ["last_seen_ingestion"])
    await conn.execute(
        stmt,
        [
            {"provider_name": provider, "entity_ref": ref, "last_seen_ingestion": ingestion_id}
            for ref in refs
        ],
    )


async def forget(
    conn: AsyncConnection, provider: str, refs: Sequence[str], *, bind_limit: int
) -> int:
    """Drop ``refs`` from the provider's bookkeeping; return how many rows went."""
    if not refs:
        return 0
    return await execute_in(
        conn,
        lambda part: delete(bookkeeping).where(
            bookkeeping.c.provider_name == provider, bookkeeping.c.entity_ref.in_(part)
        ),
        list(refs),
        bind_limit=bind_limit,
    )


async def forget_all(conn: AsyncConnection, provider: str) -> int:
    result = await conn.execute(delete(bookkeeping).where(bookkeeping.c.provider_name == provider))
    return max(0, result.rowcount or 0)


async def count_active(conn: AsyncConnection, provider: str) -> int:
    value = await conn.scalar(
        select(func.count()).select_from(bookkeeping).where(bookkeeping.c.provider_name == provider)
    )
    return int(value or 0)


async def count_seen(conn: AsyncConnection, provider: str, ingestion_id: str) -> int:
    value = await conn.scalar(
        select(func.count())
        .select_from(bookkeeping)
        .where(
            bookkeeping.c.provider_name == provider,
            bookkeeping.c.last_seen_ingestion == ingestion_id,
        )
    )
    return int(value or 0)


def _stale(provider: str, ingestion_id: str) -> Any:
    return and_(
        bookkeeping.c.provider_name == provider,
        or_(
            bookkeeping.c.last_seen_ingestion.is_(None),
            bookkeeping.c.last_seen_ingestion != ingestion_id,
        ),
    )


async def stale_batch(
    conn: AsyncConnection, provider: str, ingestion_id: str, *, limit: int
) -> list[str]:
    """Up to ``limit`` refs the provider has active but ``ingestion_id`` did not see."""
    rows = (
        await conn.execute(
            select(bookkeeping.c.entity_ref)
            .where(_stale(provider, ingestion_id))
            .order_by(bookkeeping.c.entity_ref)
            .limit(limit)
        )
    ).all()
    return [row.entity_ref for row in rows]


async def active_refs(conn: AsyncConnection, provider: str) -> set[str]:
    """Every active ref of ``provider`` (tests and small tools only: it loads them all)."""
    rows = (
        await conn.execute(
            select(bookkeeping.c.entity_ref).where(bookkeeping.c.provider_name == provider)
        )
    ).all()
    return {row.entity_ref for row in rows}
