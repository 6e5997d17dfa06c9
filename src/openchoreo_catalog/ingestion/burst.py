"""One burst: page through the provider from the last committed mark until the source is
done, the burst's time is up, or someone asks it to stop.

* At least one page per burst; the time check comes after each committed page (Backstage's
  rule since PR #30376, here on the injectable clock).
* Resume: the cursor of the last mark; if that mark was the ``done`` page the source is not
  read again — the burst goes straight to the finish (Backstage restarted from ``undefined``).
* Stopping (shutdown, or an admin action noticed by the page guard) never half-writes: a page
  either committed whole or not at all.
* ``paced=False`` (run-one-cycle-now) ignores ``burst_length``: one burst runs to the end,
  renewing the lease with every page as usual, and fetches the next page while the current
  one commits (a provider's request latency then overlaps the database's work; paced bursts
  do not prefetch, so a burst that ends on time never fetches a page it will not use).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.ingestion import state
from openchoreo_catalog.ingestion.context import EngineContext
from openchoreo_catalog.ingestion.lease import Fence
from openchoreo_catalog.ingestion.pages import commit_page
from openchoreo_catalog.ingestion.protocol import (
    Burst,
    IncrementalEntityProvider,
    IncrementalOptions,
    PageResult,
)
from openchoreo_catalog.ingestion.records import IngestionRecord
from openchoreo_catalog.ingestion.tables import bursts

logger = logging.getLogger(__name__)

Ending = Literal["done", "yielded", "stopped"]


@dataclass
class BurstResult:
    ending: Ending
    pages: int = 0
    entities: int = 0
    written: int = 0


async def open_burst_log(
    ctx: EngineContext, record: IngestionRecord, holder: str, fence: Fence
) -> int:
    async def unit(conn: AsyncConnection) -> int:
        await fence.check(conn)
        # we hold the lease: a burst still "running" belonged to a replica that died
        await conn.execute(
            update(bursts)
            .where(bursts.c.provider_name == record.provider_name, bursts.c.ended_at.is_(None))
            .values(outcome="abandoned")
        )
        result = await conn.execute(
            bursts.insert().values(
                provider_name=record.provider_name,
                ingestion_id=record.id,
                holder=holder,
                started_at=ctx.clock.now(),
                ended_at=None,
                pages=0,
                entities=0,
                outcome="running",
            )
        )
        key = result.inserted_primary_key
        return int(key[0]) if key else 0

    return await ctx.db.run(unit, operation=f"log a burst of provider {record.provider_name}")


async def close_burst_log(ctx: EngineContext, burst_id: int, outcome: str) -> None:
    async def unit(conn: AsyncConnection) -> None:
        await conn.execute(
            update(bursts)
            .where(bursts.c.id == burst_id)
            .values(ended_at=ctx.clock.now(), outcome=outcome)
        )

    try:
        await ctx.db.run(unit, operation="close the burst log")
    except Exception:  # the log is for people; never let it fail a burst
        logger.exception("could not close the burst log", extra={"burst": burst_id})


async def page_through(
    ctx: EngineContext,
    provider: IncrementalEntityProvider[Any],
    options: IncrementalOptions,
    record: IngestionRecord,
    burst_id: int,
    fence: Fence,
    *,
    paced: bool,
    stop: asyncio.Event | None,
) -> BurstResult:
    """Commit pages until done, time is up, or ``stop`` is set (checked after each page)."""
    mark = await ctx.db.run(
        lambda conn: state.last_mark(conn, record.id),
        operation=f"read the last mark of provider {record.provider_name}",
        readonly=True,
    )
    if mark is not None and mark.done:
        return BurstResult("done")
    cursor = mark.cursor if mark is not None else None
    sequence = mark.sequence + 1 if mark is not None else 0
    started = ctx.clock.now()
    result = BurstResult("yielded")
    async with provider.around(Burst(paced=paced)) as context:
        pending: asyncio.Future[PageResult] | None = asyncio.ensure_future(
            provider.next(context, cursor)
        )
        try:
            while True:
                assert pending is not None
                page = await pending
                pending = None
                if not paced and not page.done:
                    # unpaced: fetch the next page while this one commits (discarded unread
                    # if the commit fails; the next burst resumes from the last mark)
                    pending = asyncio.ensure_future(provider.next(context, page.cursor))
                committed = await commit_page(
                    ctx, record.provider_name, record.id, burst_id, sequence, page, fence
                )
                result.pages += 1
                result.entities += committed.entities
                result.written += committed.written
                if page.done:
                    result.ending = "done"
                    return result
                sequence += 1
                if stop is not None and stop.is_set():
                    result.ending = "stopped"
                    return result
                if paced and ctx.clock.now() - started > options.burst_length:
                    return result
                if pending is None:
                    pending = asyncio.ensure_future(provider.next(context, page.cursor))
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
            if pending is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pending
