"""Admin actions on a provider's state, as SQL on a connection in a transaction.

Each works whatever replica is bursting: the page guard in :mod:`.pages` notices a changed
cycle at the next page and abandons that page whole, so an action never races a half-written
page. ``reset`` and ``cleanup`` keep the sweep's bookkeeping (unlike dropping it, that can
never orphan catalog entities: the next complete cycle still removes what vanished).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.ingestion import state
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.records import IngestionRecord
from openchoreo_catalog.ingestion.tables import bursts, ingestions, marks


@dataclass(frozen=True, slots=True)
class Purged:
    ingestions_deleted: int
    marks_deleted: int


async def trigger(conn: AsyncConnection, provider: str, now: float) -> IngestionRecord | None:
    """Make the open cycle's next action due now (whatever it is)."""
    record = await state.open_record(conn, provider)
    if record is not None:
        await state.transition(conn, record.id, {"next_action_at": now})
    return record


async def start(conn: AsyncConnection, provider: str, now: float) -> str:
    """Resting: end the rest now. Otherwise: cancel this cycle and open the next one now."""
    record = await state.open_record(conn, provider)
    if record is None:
        await state.insert_record(conn, provider, now)
        return "started"
    if record.next_action == st.REST:
        await state.transition(conn, record.id, {"next_action_at": now}, expect=(st.REST,))
        return "rest ended"
    await state.complete(conn, record, now, canceled=True)
    await state.clear_finished(conn, provider, keep=record.id)
    await state.insert_record(conn, provider, now)
    return "restarted"


async def cancel(conn: AsyncConnection, provider: str, now: float) -> str:
    """End the open cycle (without its sweep); the next one starts after ``rest_length``."""
    record = await state.open_record(conn, provider)
    if record is None:
        return "no cycle"
    if record.next_action in (st.INGEST, st.BACKOFF):
        await state.transition(
            conn,
            record.id,
            {
                "status": st.CANCELING,
                "next_action": st.CANCEL,
                "next_action_at": now,
                "canceled": True,
            },
            expect=(st.INGEST, st.BACKOFF),
        )
        return "canceling"
    if record.next_action == st.CANCEL:
        return "already canceling"
    return "resting"


async def purge(conn: AsyncConnection, provider: str) -> Purged:
    """Delete every cycle, mark and burst log row of ``provider``."""
    ids = select(ingestions.c.id).where(ingestions.c.provider_name == provider)
    marks_deleted = await conn.execute(delete(marks).where(marks.c.ingestion_id.in_(ids)))
    await conn.execute(delete(bursts).where(bursts.c.provider_name == provider))
    deleted = await conn.execute(delete(ingestions).where(ingestions.c.provider_name == provider))
    return Purged(max(0, deleted.rowcount or 0), max(0, marks_deleted.rowcount or 0))


async def reset(conn: AsyncConnection, provider: str, now: float) -> Purged:
    """Purge the provider's state and open a fresh cycle that starts now."""
    purged = await purge(conn, provider)
    await state.insert_record(conn, provider, now)
    return purged


async def cleanup(conn: AsyncConnection, providers: dict[str, float], now: float) -> Purged:
    """Delete every cycle and mark; each provider (name → rest seconds) then rests anew."""
    marks_deleted = await conn.execute(delete(marks))
    await conn.execute(delete(bursts))
    deleted = await conn.execute(delete(ingestions))
    for provider, rest in providers.items():
        await state.insert_record(
            conn,
            provider,
            now,
            status=st.RESTING,
            next_action=st.REST,
            next_action_at=now + rest,
        )
    return Purged(max(0, deleted.rowcount or 0), max(0, marks_deleted.rowcount or 0))


async def clear_marks(conn: AsyncConnection, provider: str) -> int:
    """Delete the marks of the provider's finished cycles."""
    return await state.clear_finished(conn, provider, keep=None)


async def count_marks(conn: AsyncConnection, ingestion_id: str) -> int:
    value = await conn.scalar(
        select(func.count()).select_from(marks).where(marks.c.ingestion_id == ingestion_id)
    )
    return int(value or 0)
