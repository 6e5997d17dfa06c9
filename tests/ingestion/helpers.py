"""A scripted provider and readers of the engine's tables, for the engine's tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import entities
from openchoreo_catalog.ingestion.clock import ManualClock
from openchoreo_catalog.ingestion.protocol import (
    IGNORED,
    Burst,
    EventDelta,
    Ignored,
    JsonValue,
    PageResult,
)
from openchoreo_catalog.ingestion.tables import bookkeeping, ingestions, marks
from tests.fixtures.entities import component


def comps(*names: str, namespace: str = "default") -> list[dict[str, Any]]:
    return [component(name, namespace) for name in names]


class Boom(RuntimeError):
    pass


@dataclass
class Handler:
    """Events on topic ``t``: ``{"add": [...names]}`` or ``{"remove": [...refs]}``."""

    def topics(self) -> Sequence[str]:
        return ["t"]

    async def on_event(self, topic: str, payload: Mapping[str, Any]) -> Ignored | EventDelta:
        if "add" in payload:
            return EventDelta(added=comps(*payload["add"]))
        if "remove" in payload:
            return EventDelta(removed=list(payload["remove"]))
        return IGNORED


@dataclass
class ScriptedProvider:
    """Serves ``pages`` in order; the cursor is the index of the next page.

    ``step`` seconds pass on ``clock`` per ``next`` call; ``fail`` holds page indexes that
    fail once; ``degraded`` page indexes are reported degraded.
    """

    provider_name: str
    pages: list[list[dict[str, Any]]]
    clock: ManualClock | None = None
    step: float = 0.0
    fail: set[int] = field(default_factory=set)
    degraded: set[int] = field(default_factory=set)
    handler: Handler | None = None
    calls: list[int] = field(default_factory=list)
    opened: int = 0

    @property
    def name(self) -> str:
        return self.provider_name

    @property
    def event_handler(self) -> Handler | None:
        return self.handler

    @asynccontextmanager
    async def around(self, burst: Burst) -> AsyncIterator[dict[str, Any]]:
        self.opened += 1
        yield {"paced": burst.paced}

    async def next(self, context: dict[str, Any], cursor: JsonValue) -> PageResult:
        index = int(cursor or 0)  # type: ignore[arg-type]
        self.calls.append(index)
        if self.clock is not None:
            self.clock.advance(self.step)
        if index in self.fail:
            self.fail.discard(index)
            raise Boom(f"page {index} failed")
        return PageResult(
            entities=self.pages[index],
            cursor=index + 1,
            done=index == len(self.pages) - 1,
            degraded=index in self.degraded,
            notes=(f"page {index} skipped an item",) if index in self.degraded else (),
        )


async def catalog_refs(db: Database, provider: str | None = None) -> set[str]:
    async with db.read() as conn:
        query = select(entities.c.ref)
        if provider is not None:
            query = query.where(entities.c.provider == provider)
        return {row.ref for row in (await conn.execute(query)).all()}


async def active(db: Database, provider: str) -> dict[str, str | None]:
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(bookkeeping.c.entity_ref, bookkeeping.c.last_seen_ingestion).where(
                    bookkeeping.c.provider_name == provider
                )
            )
        ).all()
    return {row.entity_ref: row.last_seen_ingestion for row in rows}


async def records(db: Database, provider: str) -> list[dict[str, Any]]:
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(ingestions)
                .where(ingestions.c.provider_name == provider)
                .order_by(ingestions.c.created_at, ingestions.c.completion_ticket)
            )
        ).all()
    return [dict(row._mapping) for row in rows]


async def mark_count(db: Database, ingestion_id: str | None = None) -> int:
    async with db.read() as conn:
        query = select(func.count()).select_from(marks)
        if ingestion_id is not None:
            query = query.where(marks.c.ingestion_id == ingestion_id)
        return int(await conn.scalar(query) or 0)
