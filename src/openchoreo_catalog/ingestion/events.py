"""Deltas outside the cycle — from a provider's event handler, or immediate writes — applied
to the catalog at once AND to the sweep's bookkeeping, in one transaction.

Added refs become active and seen by the open cycle (so this cycle's sweep keeps them, and a
later cycle removes them if the source no longer has them); removed refs leave the
bookkeeping (so no sweep tries to remove them again). Backstage skipped the bookkeeping when
no cycle was open, and refused the delta when the cycle had no mark yet; neither happens
here: the refs are then active and unseen, which a later cycle settles either way.

Safe next to a running burst: both sides write in transactions that lock the same rows in
the database, and a deadlock between them is transient, so the unit is retried whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog import Delta, InvalidRef, MutationResult, normalize_ref
from openchoreo_catalog.ingestion import bookkeeping, state
from openchoreo_catalog.ingestion.context import EngineContext


@dataclass(frozen=True, slots=True)
class DeltaResult:
    """What a delta did: the catalog's answer and the cycle it was recorded in."""

    mutation: MutationResult
    ingestion_id: str | None


async def apply_delta(
    ctx: EngineContext,
    provider: str,
    added: Sequence[Mapping[str, Any]] = (),
    removed: Sequence[str] = (),
) -> DeltaResult:
    """Apply a delta for ``provider`` to the catalog and its bookkeeping, atomically."""
    added_refs = bookkeeping.refs_of(added)
    removed_refs = _normalized(removed)

    async def unit(conn: AsyncConnection) -> DeltaResult:
        record = await state.open_record(conn, provider)
        ingestion_id = record.id if record is not None else None
        result = await ctx.store.apply_mutation(
            provider, Delta(added=list(added), removed=list(removed)), conn=conn
        )
        gone = [ref for ref in removed_refs if ref not in set(added_refs)]
        await bookkeeping.forget(conn, provider, gone, bind_limit=ctx.db.bind_limit)
        await bookkeeping.mark_seen(conn, ctx.db.dialect, provider, ingestion_id, added_refs)
        return DeltaResult(result, ingestion_id)

    outcome = await ctx.db.run(unit, operation=f"apply a delta for provider {provider}")
    ctx.metrics.added(provider, outcome.mutation.written)
    ctx.metrics.removed(provider, outcome.mutation.removed)
    return outcome


def _normalized(refs: Sequence[str]) -> list[str]:
    result: list[str] = []
    for ref in refs:
        try:
            result.append(normalize_ref(ref))
        except InvalidRef:
            continue  # the catalog reports it as rejected
    return result
