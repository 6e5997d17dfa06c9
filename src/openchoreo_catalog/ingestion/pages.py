"""One page, exactly once: its mark, bookkeeping, catalog mutation and counters in ONE
transaction.

Backstage writes the mark first and applies the mutation later, so a failure in between
skips a page for the cycle. Here a crash at any instant either commits everything about the
page or nothing: the next burst resumes from the last committed mark, and
``UNIQUE(ingestion_id, sequence)`` makes recording a page twice impossible.

The transaction opens with a guarded update of the cycle (still open, still ``ingest``): a
cancel, restart or reset that landed during the burst makes the page abandon itself whole
(:class:`IngestionChanged`). Then the lease is renewed — and fenced: if another replica took
the provider over, :class:`LeaseLost` rolls the page back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog import CatalogStore, Delta, MutationResult, Plan
from openchoreo_catalog.ingestion import state
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.bookkeeping import mark_seen, refs_of
from openchoreo_catalog.ingestion.context import EngineContext
from openchoreo_catalog.ingestion.errors import IngestionChanged
from openchoreo_catalog.ingestion.lease import Fence
from openchoreo_catalog.ingestion.protocol import PageResult
from openchoreo_catalog.ingestion.tables import bursts, ingestions

logger = logging.getLogger(__name__)

_REASON_MAX = 2_000


@dataclass(frozen=True, slots=True)
class CommittedPage:
    entities: int
    written: int
    invalid: int


async def commit_page(
    ctx: EngineContext,
    provider: str,
    ingestion_id: str,
    burst_id: int,
    sequence: int,
    page: PageResult,
    fence: Fence,
    plan: Plan | None = None,
) -> CommittedPage:
    """Commit ``page`` as mark ``sequence`` of the cycle, or raise and commit nothing.

    ``plan`` is the store's preparation of the page (:func:`prepare`); made here if absent.
    """
    refs = refs_of(page.entities)
    entities = list(page.entities)
    prepared = plan if plan is not None else prepare(page)
    counters: dict[str, object] = {
        "pages": ingestions.c.pages + 1,
        "entities_seen": ingestions.c.entities_seen + len(entities),
    }
    if page.degraded:
        reason = "; ".join(page.notes) or "the provider reported a degraded page"
        counters["degraded"] = True
        counters["degraded_reason"] = func.coalesce(
            ingestions.c.degraded_reason, reason[:_REASON_MAX]
        )

    async def unit(conn: AsyncConnection) -> MutationResult:
        if not await state.transition(conn, ingestion_id, counters, expect=(st.INGEST,)):
            raise IngestionChanged(f"ingestion {ingestion_id} of '{provider}' changed")
        await fence.check(conn)
        now = ctx.clock.now()
        await state.insert_mark(
            conn,
            ingestion_id,
            sequence=sequence,
            cursor=page.cursor,
            done=page.done,
            entity_count=len(entities),
            now=now,
        )
        await mark_seen(conn, ctx.db.dialect, provider, ingestion_id, refs)
        result = await ctx.store.apply_mutation(provider, prepared, conn=conn)
        invalid = _invalid(result)
        if result.written or invalid:
            await conn.execute(
                update(ingestions)
                .where(ingestions.c.id == ingestion_id)
                .values(
                    entities_written=ingestions.c.entities_written + result.written,
                    entities_invalid=ingestions.c.entities_invalid + invalid,
                )
            )
        await conn.execute(
            update(bursts)
            .where(bursts.c.id == burst_id)
            .values(pages=bursts.c.pages + 1, entities=bursts.c.entities + len(entities))
        )
        if ctx.page_hook is not None:
            await ctx.page_hook(conn, ingestion_id, sequence)
        return result

    result = await ctx.db.run(unit, operation=f"commit page {sequence} of provider {provider}")
    invalid = _invalid(result)
    if result.rejected:
        for rejection in result.rejected[:5]:
            logger.warning(
                "entity rejected by the catalog",
                extra={"provider": provider, "ref": rejection.ref, "reason": rejection.reason},
            )
        if len(result.rejected) > 5:
            logger.warning(
                "more entities rejected on this page",
                extra={"provider": provider, "count": len(result.rejected) - 5},
            )
    ctx.metrics.page(provider, entities=len(entities), written=result.written)
    return CommittedPage(len(entities), result.written, invalid)


def prepare(page: PageResult) -> Plan:
    """The store's CPU work for a page (validation, hashes, search rows, relations), done
    before the transaction — and, when prefetching, while the previous page commits."""
    return CatalogStore.prepare(Delta(added=list(page.entities)))


def _invalid(result: MutationResult) -> int:
    return sum(1 for rejection in result.rejected if rejection.index is not None)
