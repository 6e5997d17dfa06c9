"""The end of a cycle: remove what vanished upstream, unless a safety limit says no.

stale = active − seen, counted and then streamed in SQL batches (never loaded whole). The
removal is rejected — a readable ``last_error``, a metric, and the refs left active so a
later cycle retries (self-healing) — when:

* ``reject_empty_source_collections`` holds and the cycle saw nothing;
* stale ÷ active-before-the-sweep × 100 exceeds ``reject_removals_above_percentage``
  (removing 50 of 100 is 50 %; Backstage divides by the entities seen, which makes it 100 %);
  ``None`` disables the check, and 0 rejects every removal;
* the cycle was degraded (the provider skipped or down-graded an item).

Otherwise each batch removes its refs from the catalog and from the bookkeeping in one
transaction, so an interrupted sweep simply continues (the ratio only falls as it goes).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog import Delta
from openchoreo_catalog.db import chunk_size
from openchoreo_catalog.ingestion import bookkeeping, state
from openchoreo_catalog.ingestion.context import EngineContext
from openchoreo_catalog.ingestion.lease import Fence
from openchoreo_catalog.ingestion.protocol import IncrementalOptions
from openchoreo_catalog.ingestion.records import IngestionRecord
from openchoreo_catalog.ingestion.tables import ingestions

logger = logging.getLogger(__name__)

BATCH = 2_000


@dataclass(frozen=True, slots=True)
class SweepOutcome:
    active: int
    seen: int
    stale: int
    removed: int
    rejected: str | None
    """Why the removal was rejected (None when it ran)."""
    reasons: tuple[str, ...] = ()
    """Short machine-readable reasons: ``empty``, ``percentage``, ``degraded``."""


async def sweep(
    ctx: EngineContext,
    options: IncrementalOptions,
    record: IngestionRecord,
    fence: Fence,
) -> SweepOutcome:
    provider = record.provider_name

    async def measure(conn: AsyncConnection) -> tuple[int, int, IngestionRecord | None]:
        active = await bookkeeping.count_active(conn, provider)
        seen = await bookkeeping.count_seen(conn, provider, record.id)
        return active, seen, await state.record_by_id(conn, record.id)

    active, seen, fresh = await ctx.db.run(
        measure, operation=f"measure the sweep of provider {provider}", readonly=True
    )
    current = fresh or record
    stale = active - seen
    reasons, details = _verdict(options, current, active, seen, stale)
    if reasons and stale > 0:
        message = (
            f"Removal of {stale} stale entities rejected: {'; '.join(details)}. "
            "They stay in the catalog and a later cycle retries the removal."
        )
        logger.warning(
            "removal rejected",
            extra={"provider": provider, "ingestion": record.id, "stale": stale, "reason": message},
        )
        for reason in reasons:
            ctx.metrics.removals_rejected(provider, stale, reason)
        return SweepOutcome(active, seen, stale, 0, message, tuple(reasons))
    removed = await _remove(ctx, record, fence) if stale > 0 else 0
    if removed:
        logger.info(
            "stale entities removed",
            extra={"provider": provider, "ingestion": record.id, "removed": removed},
        )
    return SweepOutcome(active, seen, stale, removed, None)


def _verdict(
    options: IncrementalOptions, record: IngestionRecord, active: int, seen: int, stale: int
) -> tuple[list[str], list[str]]:
    reasons: list[str] = []
    details: list[str] = []
    if options.reject_empty_source_collections and seen == 0:
        reasons.append("empty")
        details.append("the source returned no entities (rejectEmptySourceCollections)")
    limit = options.reject_removals_above_percentage
    if limit is not None and active > 0:
        percent = stale / active * 100
        if percent > limit:
            reasons.append("percentage")
            details.append(
                f"removing {stale} of {active} entities ({percent:.1f} %) exceeds "
                f"rejectRemovalsAbovePercentage ({limit:g} %)"
            )
    if record.degraded:
        reasons.append("degraded")
        why = record.degraded_reason or "the provider reported a degraded page"
        details.append(f"the cycle was degraded ({why})")
    return reasons, details


async def _remove(ctx: EngineContext, record: IngestionRecord, fence: Fence) -> int:
    provider = record.provider_name
    limit = min(BATCH, chunk_size(ctx.db.bind_limit))
    total = 0

    async def batch(conn: AsyncConnection) -> tuple[int, int]:
        await fence.check(conn)
        refs = await bookkeeping.stale_batch(conn, provider, record.id, limit=limit)
        if not refs:
            return 0, 0
        result = await ctx.store.apply_mutation(provider, Delta(removed=refs), conn=conn)
        await bookkeeping.forget(conn, provider, refs, bind_limit=ctx.db.bind_limit)
        await conn.execute(
            update(ingestions)
            .where(ingestions.c.id == record.id)
            .values(entities_removed=ingestions.c.entities_removed + result.removed)
        )
        return len(refs), result.removed

    while True:
        count, removed = await ctx.db.run(
            batch, operation=f"remove stale entities of provider {provider}"
        )
        if count == 0:
            return total
        total += removed
        ctx.metrics.removed(provider, removed)
