"""What operators see about a provider: its state, counts, the running burst, last cycles.

Plain JSON-ready dicts (camelCase keys, ISO 8601 times) shared by the management API and the
CLI's ``status``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.ingestion import bookkeeping, state
from openchoreo_catalog.ingestion.records import IngestionRecord
from openchoreo_catalog.ingestion.tables import bursts, leases

LAST = 5


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat().replace("+00:00", "Z")


def cycle_json(record: IngestionRecord) -> dict[str, Any]:
    end = record.ingestion_completed_at
    return {
        "id": record.id,
        "status": record.status,
        "nextAction": record.next_action,
        "nextActionAt": iso(record.next_action_at),
        "attempts": record.attempts,
        "lastError": record.last_error,
        "createdAt": iso(record.created_at),
        "ingestionCompletedAt": iso(end),
        "restCompletedAt": iso(record.rest_completed_at),
        "durationSeconds": None if end is None else round(end - record.created_at, 3),
        "degraded": record.degraded,
        "degradedReason": record.degraded_reason,
        "canceled": record.canceled,
        "pages": record.pages,
        "entitiesSeen": record.entities_seen,
        "entitiesWritten": record.entities_written,
        "entitiesInvalid": record.entities_invalid,
        "entitiesRemoved": record.entities_removed,
        "removalsRejected": record.removals_rejected,
    }


def _burst_json(row: Any, now: float) -> dict[str, Any]:
    end = row.ended_at if row.ended_at is not None else now
    elapsed = max(0.0, end - row.started_at)
    return {
        "ingestionId": row.ingestion_id,
        "holder": row.holder,
        "startedAt": iso(row.started_at),
        "endedAt": iso(row.ended_at),
        "pages": row.pages,
        "entities": row.entities,
        "entitiesPerSecond": round(row.entities / elapsed, 1) if elapsed > 0 else None,
        "outcome": row.outcome,
    }


async def provider_detail(conn: AsyncConnection, provider: str, now: float) -> dict[str, Any]:
    """Everything the API's provider detail and the CLI's ``status`` show."""
    record = await state.open_record(conn, provider)
    active = await bookkeeping.count_active(conn, provider)
    seen = await bookkeeping.count_seen(conn, provider, record.id) if record else 0
    rows = (
        await conn.execute(
            select(bursts)
            .where(bursts.c.provider_name == provider)
            .order_by(bursts.c.id.desc())
            .limit(LAST)
        )
    ).all()
    finished = await state.finished_records(conn, provider, limit=LAST)
    lease = (await conn.execute(select(leases).where(leases.c.provider_name == provider))).first()
    live = lease is not None and lease.holder is not None and lease.expires_at > now
    running = next(
        (
            row
            for row in rows
            if row.ended_at is None and live and lease is not None and row.holder == lease.holder
        ),
        None,
    )
    detail: dict[str, Any] = {
        "name": provider,
        "status": record.status if record else "rest complete, waiting to start",
        "nextAction": record.next_action if record else None,
        "nextActionAt": iso(record.next_action_at) if record else None,
        "attempts": record.attempts if record else 0,
        "lastError": record.last_error if record else None,
        "entitiesActive": active,
        "entitiesSeenThisCycle": seen,
        "current": cycle_json(record) if record else None,
        "currentBurst": _burst_json(running, now) if running is not None else None,
        "lastBursts": [_burst_json(row, now) for row in rows],
        "lastCycles": [cycle_json(r) for r in finished],
    }
    return detail
