"""The ``event_inbox`` table's statements (see ``db/tables/events.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.db import execute_in
from openchoreo_catalog.db.tables.events import event_inbox

MAX_ERROR = 2_000


@dataclass(frozen=True, slots=True)
class InboxRow:
    id: int
    topic: str
    payload: str
    received_at: float
    attempts: int


async def append(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (``topic``, ``payload`` JSON text, ``received_at``) in one statement."""
    if not rows:
        return
    values = [
        {**row, "available_at": row["received_at"], "attempts": 0, "last_error": None}
        for row in rows
    ]
    await conn.execute(insert(event_inbox), values)


async def next_batch(conn: AsyncConnection, now: float, limit: int) -> list[InboxRow]:
    """The oldest rows that may be tried now, in arrival order."""
    rows = (
        await conn.execute(
            select(
                event_inbox.c.id,
                event_inbox.c.topic,
                event_inbox.c.payload,
                event_inbox.c.received_at,
                event_inbox.c.attempts,
            )
            .where(event_inbox.c.available_at <= now)
            .order_by(event_inbox.c.id)
            .limit(limit)
        )
    ).all()
    return [InboxRow(r.id, r.topic, r.payload, r.received_at, r.attempts) for r in rows]


async def remove(conn: AsyncConnection, ids: Sequence[int], *, bind_limit: int) -> int:
    """Delete the rows whose events were applied."""
    return await execute_in(
        conn,
        lambda chunk: delete(event_inbox).where(event_inbox.c.id.in_(chunk)),
        list(ids),
        bind_limit=bind_limit,
    )


async def postpone(
    conn: AsyncConnection, ids: Sequence[int], *, until: float, error: str, bind_limit: int
) -> None:
    """Count a failed attempt on ``ids`` and hide them until ``until``."""
    await execute_in(
        conn,
        lambda chunk: (
            update(event_inbox)
            .where(event_inbox.c.id.in_(chunk))
            .values(
                attempts=event_inbox.c.attempts + 1,
                available_at=until,
                last_error=error[:MAX_ERROR],
            )
        ),
        list(ids),
        bind_limit=bind_limit,
    )


async def count(conn: AsyncConnection) -> int:
    return int(await conn.scalar(select(func.count()).select_from(event_inbox)) or 0)


async def next_available(conn: AsyncConnection) -> float | None:
    """When the earliest row may be tried (None when the inbox is empty)."""
    value = await conn.scalar(select(func.min(event_inbox.c.available_at)))
    return None if value is None else float(value)
