"""The SQL of the engine's state: cycles and marks. Every function runs on a connection the
caller holds in a transaction, so callers compose them into one atomic step.

Transitions are *guarded* updates (``WHERE id = :id AND next_action IN (...)``): whoever
changed the record first (a cancel from the API, another replica) wins, and the loser sees
``False`` instead of overwriting a newer decision.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.protocol import JsonValue
from openchoreo_catalog.ingestion.records import IngestionRecord, Mark, encode_cursor
from openchoreo_catalog.ingestion.tables import bursts, ingestions, marks

FINISHED_KEPT = 10
"""Finished cycles kept per provider (without their marks) for "last cycles" in the UI."""

_COUNTERS = {
    "attempts": 0,
    "degraded": False,
    "canceled": False,
    "pages": 0,
    "entities_seen": 0,
    "entities_written": 0,
    "entities_invalid": 0,
    "entities_removed": 0,
    "removals_rejected": 0,
}


def new_id() -> str:
    return str(uuid.uuid4())


async def open_record(conn: AsyncConnection, provider: str) -> IngestionRecord | None:
    row = (
        await conn.execute(
            select(ingestions).where(
                ingestions.c.provider_name == provider,
                ingestions.c.completion_ticket == st.OPEN_TICKET,
            )
        )
    ).first()
    return None if row is None else IngestionRecord.from_row(row)


async def record_by_id(conn: AsyncConnection, ingestion_id: str) -> IngestionRecord | None:
    row = (await conn.execute(select(ingestions).where(ingestions.c.id == ingestion_id))).first()
    return None if row is None else IngestionRecord.from_row(row)


async def finished_records(
    conn: AsyncConnection, provider: str, limit: int = FINISHED_KEPT
) -> list[IngestionRecord]:
    """The provider's finished cycles, newest first."""
    rows = (
        await conn.execute(
            select(ingestions)
            .where(
                ingestions.c.provider_name == provider,
                ingestions.c.completion_ticket != st.OPEN_TICKET,
            )
            .order_by(ingestions.c.created_at.desc())
            .limit(limit)
        )
    ).all()
    return [IngestionRecord.from_row(row) for row in rows]


async def insert_record(
    conn: AsyncConnection,
    provider: str,
    now: float,
    *,
    status: str = st.BURSTING,
    next_action: str = st.INGEST,
    next_action_at: float | None = None,
) -> IngestionRecord:
    """Insert the provider's open cycle (raises on a unique violation if one exists)."""
    values: dict[str, Any] = {
        "id": new_id(),
        "provider_name": provider,
        "status": status,
        "next_action": next_action,
        "next_action_at": now if next_action_at is None else next_action_at,
        "last_error": None,
        "created_at": now,
        "ingestion_completed_at": None,
        "rest_completed_at": None,
        "completion_ticket": st.OPEN_TICKET,
        "degraded_reason": None,
        **_COUNTERS,
    }
    await conn.execute(ingestions.insert().values(**values))
    return IngestionRecord.from_row(_Row(values))


async def transition(
    conn: AsyncConnection,
    ingestion_id: str,
    values: Mapping[str, Any],
    *,
    expect: Collection[str] | None = None,
) -> bool:
    """Update the open record ``ingestion_id`` if its next action is in ``expect``."""
    conditions = [ingestions.c.id == ingestion_id, ingestions.c.completion_ticket == st.OPEN_TICKET]
    if expect is not None:
        conditions.append(ingestions.c.next_action.in_(list(expect)))
    result = await conn.execute(update(ingestions).where(and_(*conditions)).values(**values))
    return bool(result.rowcount)


async def complete(
    conn: AsyncConnection, record: IngestionRecord, now: float, *, canceled: bool
) -> bool:
    """Stamp the open cycle finished (``nothing (done)`` or ``nothing (canceled)``)."""
    return await transition(
        conn,
        record.id,
        {
            "status": st.COMPLETE,
            "next_action": st.CANCELED if canceled else st.DONE,
            "rest_completed_at": now,
            "completion_ticket": new_id(),
            "canceled": canceled,
        },
    )


async def clear_finished(conn: AsyncConnection, provider: str, *, keep: str | None) -> int:
    """Delete the marks of the provider's finished cycles except ``keep``'s, and finished
    cycles beyond the newest :data:`FINISHED_KEPT`; return the number of marks deleted."""
    finished = (
        select(ingestions.c.id)
        .where(
            ingestions.c.provider_name == provider,
            ingestions.c.completion_ticket != st.OPEN_TICKET,
        )
        .order_by(ingestions.c.created_at.desc())
    )
    ids = [row.id for row in (await conn.execute(finished)).all()]
    stale_marks = [i for i in ids if i != keep]
    deleted = 0
    if stale_marks:
        result = await conn.execute(delete(marks).where(marks.c.ingestion_id.in_(stale_marks)))
        deleted = max(0, result.rowcount or 0)
    too_old = ids[FINISHED_KEPT:]
    if too_old:
        await conn.execute(delete(bursts).where(bursts.c.ingestion_id.in_(too_old)))
        await conn.execute(delete(ingestions).where(ingestions.c.id.in_(too_old)))
    return deleted


async def last_mark(conn: AsyncConnection, ingestion_id: str) -> Mark | None:
    row = (
        await conn.execute(
            select(marks)
            .where(marks.c.ingestion_id == ingestion_id)
            .order_by(marks.c.sequence.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else Mark.from_row(row)


async def first_mark(conn: AsyncConnection, ingestion_id: str) -> Mark | None:
    row = (
        await conn.execute(
            select(marks)
            .where(marks.c.ingestion_id == ingestion_id)
            .order_by(marks.c.sequence.asc())
            .limit(1)
        )
    ).first()
    return None if row is None else Mark.from_row(row)


async def all_marks(conn: AsyncConnection, ingestion_id: str, *, limit: int = 1000) -> list[Mark]:
    """The cycle's marks, newest first (at most ``limit``)."""
    rows = (
        await conn.execute(
            select(marks)
            .where(marks.c.ingestion_id == ingestion_id)
            .order_by(marks.c.sequence.desc())
            .limit(limit)
        )
    ).all()
    return [Mark.from_row(row) for row in rows]


async def insert_mark(
    conn: AsyncConnection,
    ingestion_id: str,
    *,
    sequence: int,
    cursor: JsonValue,
    done: bool,
    entity_count: int,
    now: float,
) -> None:
    await conn.execute(
        marks.insert().values(
            id=new_id(),
            ingestion_id=ingestion_id,
            cursor=encode_cursor(cursor),
            sequence=sequence,
            done=done,
            entity_count=entity_count,
            created_at=now,
        )
    )


async def provider_names(conn: AsyncConnection) -> list[str]:
    rows = (await conn.execute(select(ingestions.c.provider_name).distinct())).all()
    return sorted(row.provider_name for row in rows)


async def duplicate_open(conn: AsyncConnection) -> list[str]:
    """Providers with more than one unfinished cycle (Backstage's health check)."""
    rows = (
        await conn.execute(
            select(ingestions.c.provider_name)
            .where(ingestions.c.rest_completed_at.is_(None))
            .group_by(ingestions.c.provider_name)
            .having(func.count() > 1)
        )
    ).all()
    return sorted(row.provider_name for row in rows)


class _Row:
    """Lets :meth:`IngestionRecord.from_row` read a dict of inserted values."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._mapping = values
