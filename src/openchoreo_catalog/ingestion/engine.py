"""One provider's state machine: :meth:`ProviderEngine.step` advances it by one step.

The record and its transitions are Backstage's (reference §3.3–3.4), with its defects fixed:

* no open cycle → create one and burst at once;
* ``ingest`` → burst (when ``next_action_at`` is due: an interstitial waits for its next
  interval unless triggered; a run-one-cycle-now ignores the schedule) →
  ``done``: sweep, then ``resting`` until ``rest_length`` passes;
  time up or stopped: ``interstitial``;
* ``rest`` over → in ONE transaction the cycle is stamped ``complete`` (``nothing (done)``,
  or ``nothing (canceled)`` after a cancel), older finished cycles lose their marks, and the
  next open cycle is created — so there is never a moment without an open record — then it
  bursts at once;
* any error → ``backing off``: ``attempts + 1``, the full error in ``last_error``, and
  ``next_action_at = now + backoff[min(len - 1, attempts - 1)]`` (the last step repeats);
  when due, the burst resumes after the last committed page;
* ``cancel`` → the cycle ends *without* sweeping and rests ``rest_length`` (Backstage's
  ``/cancel`` left the provider stuck on an unknown action).

Every write is guarded (a concurrent admin action wins) and fenced by the lease.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.db import DatabaseError
from openchoreo_catalog.ingestion import state
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.burst import (
    BurstResult,
    close_burst_log,
    open_burst_log,
    page_through,
)
from openchoreo_catalog.ingestion.context import EngineContext
from openchoreo_catalog.ingestion.errors import IngestionChanged, LeaseLost
from openchoreo_catalog.ingestion.lease import NO_FENCE, Fence
from openchoreo_catalog.ingestion.protocol import IncrementalEntityProvider, IncrementalOptions
from openchoreo_catalog.ingestion.records import IngestionRecord
from openchoreo_catalog.ingestion.sweep import SweepOutcome, sweep

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StepResult:
    """What one step did, and the open record after it (None if it could not be read)."""

    action: str
    """``burst``, ``waiting``, ``canceled``, ``backoff``, ``changed``, ``duplicate``,
    ``lease lost``, ``unknown``."""
    record: IngestionRecord | None = None
    burst: BurstResult | None = None
    sweep: SweepOutcome | None = None
    error: str | None = None


class ProviderEngine:
    """The state machine of one provider over the shared database."""

    def __init__(
        self,
        provider: IncrementalEntityProvider[Any],
        options: IncrementalOptions,
        ctx: EngineContext,
    ) -> None:
        self.provider = provider
        self.options = options
        self.ctx = ctx
        self.name = provider.name

    # -- reading ---------------------------------------------------------------------------

    async def current(self) -> IngestionRecord | None:
        return await self.ctx.db.run(
            lambda conn: state.open_record(conn, self.name),
            operation=f"read the state of provider {self.name}",
            readonly=True,
        )

    # -- one step --------------------------------------------------------------------------

    async def step(
        self,
        fence: Fence = NO_FENCE,
        *,
        holder: str = "local",
        paced: bool = True,
        stop: asyncio.Event | None = None,
    ) -> StepResult:
        """Advance the provider by one step (see the module docstring)."""
        try:
            return await self._step(fence, holder=holder, paced=paced, stop=stop)
        except LeaseLost as error:
            logger.warning("lease lost", extra={"provider": self.name, "error": str(error)})
            return StepResult("lease lost", error=str(error))

    async def _step(
        self, fence: Fence, *, holder: str, paced: bool, stop: asyncio.Event | None
    ) -> StepResult:
        record = await self.current()
        if record is None:
            created = await self._create(fence)
            if created is None:
                return StepResult("duplicate")
            return await self._burst(created, fence, holder=holder, paced=paced, stop=stop)
        due = not paced or self.ctx.clock.now() >= record.next_action_at
        action = record.next_action
        if action == st.CANCEL:
            return await self._cancel(record, fence)
        if not due:
            return StepResult("waiting", record)
        if action == st.INGEST:
            return await self._burst(record, fence, holder=holder, paced=paced, stop=stop)
        if action == st.BACKOFF:
            resumed = await self._write(
                fence,
                lambda conn: state.transition(
                    conn,
                    record.id,
                    {"next_action": st.INGEST, "next_action_at": self.ctx.clock.now()},
                    expect=(st.BACKOFF,),
                ),
            )
            if not resumed:
                return StepResult("changed", await self.current())
            return await self._burst(record, fence, holder=holder, paced=paced, stop=stop)
        if action == st.REST:
            following = await self._next_cycle(record, fence)
            if following is None:
                return StepResult("changed", await self.current())
            return await self._burst(following, fence, holder=holder, paced=paced, stop=stop)
        logger.error("unknown next action", extra={"provider": self.name, "next_action": action})
        return StepResult("unknown", record)

    # -- transitions -----------------------------------------------------------------------

    async def _write(self, fence: Fence, fn: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        async def unit(conn: AsyncConnection) -> T:
            await fence.check(conn)
            return await fn(conn)

        return await self.ctx.db.run(unit, operation=f"update the state of provider {self.name}")

    async def _create(self, fence: Fence) -> IngestionRecord | None:
        now = self.ctx.clock.now()
        try:
            record = await self._write(
                fence, lambda conn: state.insert_record(conn, self.name, now)
            )
        except DatabaseError:
            if await self.current() is not None:
                logger.warning(
                    "engine tried to create a duplicate ingestion record",
                    extra={"provider": self.name},
                )
                return None
            raise
        self.ctx.metrics.started(self.name, now)
        logger.info("ingestion started", extra={"provider": self.name, "ingestion": record.id})
        return record

    async def _next_cycle(self, record: IngestionRecord, fence: Fence) -> IngestionRecord | None:
        """Rest over: complete ``record`` and open the next cycle in one transaction."""
        now = self.ctx.clock.now()

        async def unit(conn: AsyncConnection) -> IngestionRecord | None:
            if not await state.complete(conn, record, now, canceled=record.canceled):
                return None
            await state.clear_finished(conn, self.name, keep=record.id)
            return await state.insert_record(conn, self.name, now)

        following = await self._write(fence, unit)
        if following is not None:
            self.ctx.metrics.started(self.name, now)
            logger.info(
                "ingestion started",
                extra={"provider": self.name, "ingestion": following.id, "previous": record.id},
            )
        return following

    async def _cancel(self, record: IngestionRecord, fence: Fence) -> StepResult:
        now = self.ctx.clock.now()
        values = {
            "status": st.RESTING,
            "next_action": st.REST,
            "next_action_at": now + self.options.rest_length,
            "ingestion_completed_at": now,
            "canceled": True,
        }
        await self._write(
            fence, lambda conn: state.transition(conn, record.id, values, expect=(st.CANCEL,))
        )
        self.ctx.metrics.state(self.name, st.RESTING)
        logger.info("ingestion canceled", extra={"provider": self.name, "ingestion": record.id})
        return StepResult("canceled", await self.current())

    async def _burst(
        self,
        record: IngestionRecord,
        fence: Fence,
        *,
        holder: str,
        paced: bool,
        stop: asyncio.Event | None,
    ) -> StepResult:
        started = self.ctx.clock.now()
        if record.status != st.BURSTING:
            ok = await self._write(
                fence,
                lambda conn: state.transition(
                    conn, record.id, {"status": st.BURSTING}, expect=(st.INGEST,)
                ),
            )
            if not ok:
                return StepResult("changed", await self.current())
        self.ctx.metrics.state(self.name, st.BURSTING)
        burst_id = await open_burst_log(self.ctx, record, holder, fence)
        outcome = "failed"
        figures: BurstResult | None = None
        try:
            result = figures = await page_through(
                self.ctx,
                self.provider,
                self.options,
                record,
                burst_id,
                fence,
                paced=paced,
                stop=stop,
            )
            outcome = result.ending
            if result.ending == "done":
                swept = await self._finish(record, fence)
                return StepResult("burst", await self.current(), result, swept)
            await self._write(
                fence,
                lambda conn: state.transition(
                    conn,
                    record.id,
                    {
                        "status": st.INTERSTITIAL,
                        "attempts": 0,
                        "next_action_at": started + self.options.burst_interval,
                    },
                    expect=(st.INGEST,),
                ),
            )
            self.ctx.metrics.state(self.name, st.INTERSTITIAL)
            return StepResult("burst", await self.current(), result)
        except IngestionChanged:
            outcome = "interrupted"
            return StepResult("changed", await self.current())
        except LeaseLost:
            outcome = "lease lost"
            raise
        except asyncio.CancelledError:
            outcome = "abandoned"
            raise
        except Exception as error:
            return await self._back_off(record, error, fence)
        finally:
            await close_burst_log(self.ctx, burst_id, outcome)
            elapsed = self.ctx.clock.now() - started
            self.ctx.metrics.burst(self.name, elapsed, outcome)
            _log_burst(self.name, record.id, burst_id, outcome, elapsed, figures)

    async def _finish(self, record: IngestionRecord, fence: Fence) -> SweepOutcome:
        swept = await sweep(self.ctx, self.options, record, fence)
        now = self.ctx.clock.now()
        values: dict[str, Any] = {
            "status": st.RESTING,
            "next_action": st.REST,
            "next_action_at": now + self.options.rest_length,
            "ingestion_completed_at": now,
            "attempts": 0,
            "last_error": swept.rejected,
            "removals_rejected": swept.stale if swept.rejected else 0,
        }
        await self._write(
            fence, lambda conn: state.transition(conn, record.id, values, expect=(st.INGEST,))
        )
        self.ctx.metrics.completed(self.name, now)
        self.ctx.metrics.state(self.name, st.RESTING)
        logger.info(
            "ingestion complete",
            extra={
                "provider": self.name,
                "ingestion": record.id,
                "active": swept.active - swept.removed,
                "removed": swept.removed,
                "rejected": bool(swept.rejected),
            },
        )
        return swept

    async def _back_off(
        self, record: IngestionRecord, error: Exception, fence: Fence
    ) -> StepResult:
        text = f"{type(error).__name__}: {error}"
        now = self.ctx.clock.now()
        fresh = await self.current()
        attempts = (fresh.attempts if fresh is not None else record.attempts) + 1
        delay = self.options.backoff_delay(attempts)
        logger.warning(
            "burst failed, backing off",
            extra={
                "provider": self.name,
                "ingestion": record.id,
                "attempts": attempts,
                "delay_s": delay,
                "error": text[:700],
            },
        )
        values = {
            "status": st.BACKING_OFF,
            "next_action": st.BACKOFF,
            "attempts": attempts,
            "last_error": text,
            "next_action_at": now + delay,
        }
        await self._write(
            fence, lambda conn: state.transition(conn, record.id, values, expect=(st.INGEST,))
        )
        self.ctx.metrics.completed(self.name, now, failed=True)
        self.ctx.metrics.state(self.name, st.BACKING_OFF)
        return StepResult("backoff", await self.current(), error=text)


def _log_burst(
    provider: str,
    ingestion: str,
    burst: int,
    outcome: str,
    elapsed: float,
    figures: BurstResult | None,
) -> None:
    """One line per burst with its figures (what operators grep for)."""
    pages = figures.pages if figures else 0
    entities = figures.entities if figures else 0
    logger.info(
        "burst ended",
        extra={
            "provider": provider,
            "ingestion": ingestion,
            "burst": burst,
            "outcome": outcome,
            "pages": pages,
            "entities": entities,
            "written": figures.written if figures else 0,
            "seconds": round(elapsed, 3),
            "entities_per_second": round(entities / elapsed, 1) if elapsed > 0 else None,
        },
    )
