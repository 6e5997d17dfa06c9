"""One replica of the multi-replica test: an engine and its scheduler in a forked child,
running against the shared database until enough cycles and bursts are on record (or a
deadline passes), then stopping gracefully.

Stopping on the record rather than after a fixed time keeps the test meaningful on a loaded
machine, where a fixed few seconds may hold fewer cycles than the test needs."""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import func, select

from openchoreo_catalog.db import Database, RetryPolicy
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.protocol import Burst, IncrementalOptions, JsonValue, PageResult
from openchoreo_catalog.ingestion.scheduler import Scheduler
from openchoreo_catalog.ingestion.status import OPEN_TICKET
from openchoreo_catalog.ingestion.tables import bursts, ingestions
from tests.fixtures.entities import component

NAME = "shared"
OPTIONS = IncrementalOptions(
    burst_interval=0.05, burst_length=0.03, rest_length=0.3, backoff=(0.05,)
)
ENTITIES = [component(f"e{i}") for i in range(200)]
CYCLES_WANTED = 3
BURSTS_WANTED = 10


class Source:
    @property
    def name(self) -> str:
        return NAME

    @property
    def event_handler(self) -> None:
        return None

    @asynccontextmanager
    async def around(self, burst: Burst) -> AsyncIterator[None]:
        yield None

    async def next(self, context: Any, cursor: JsonValue) -> PageResult:
        start = int(cursor or 0)  # type: ignore[arg-type]
        await asyncio.sleep(0.005)
        chunk = ENTITIES[start : start + 20]
        end = start + len(chunk)
        return PageResult(chunk, cursor=end, done=end >= len(ENTITIES))


async def run(url: str, replica: str, seconds: float) -> int:
    db = Database.from_url(url, retry=RetryPolicy(attempts=10, base_delay=0.01, max_delay=0.2))
    engine = IngestionEngine(db, replica=replica, lease_margin=1.0)
    engine.register(Source(), OPTIONS)
    scheduler = Scheduler(engine, min_interval=0.0, grace=10.0)
    scheduler.start()
    try:
        async with asyncio.timeout(seconds):
            await _until_enough(db)
    finally:
        await scheduler.stop()
        await db.dispose()
    return 0


async def _until_enough(db: Database) -> None:
    """Poll the shared record (written by other processes: no event to wait on)."""
    for _ in itertools.count():
        if await _enough(db):
            return
        await asyncio.sleep(0.1)


async def _enough(db: Database) -> bool:
    """Whether the shared record already holds the cycles and bursts the test asks for."""
    async with db.read() as conn:
        finished = await conn.scalar(
            select(func.count())
            .select_from(ingestions)
            .where(ingestions.c.completion_ticket != OPEN_TICKET)
        )
        burst_count = await conn.scalar(
            select(func.count()).select_from(bursts).where(bursts.c.provider_name == NAME)
        )
    return int(finished or 0) >= CYCLES_WANTED and int(burst_count or 0) >= BURSTS_WANTED


def child(url: str, replica: str, seconds: float) -> None:
    code = 1
    try:
        asyncio.events._set_running_loop(None)  # the fork copied the parent's running loop
        code = asyncio.run(run(url, replica, seconds))
    finally:
        os._exit(code)
