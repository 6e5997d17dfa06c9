"""One replica of the multi-replica test: an engine and its scheduler in a forked child,
running for a fixed time against the shared database, then stopping gracefully."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from openchoreo_catalog.db import Database, RetryPolicy
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.protocol import Burst, IncrementalOptions, JsonValue, PageResult
from openchoreo_catalog.ingestion.scheduler import Scheduler
from tests.fixtures.entities import component

NAME = "shared"
OPTIONS = IncrementalOptions(
    burst_interval=0.05, burst_length=0.03, rest_length=0.3, backoff=(0.05,)
)
ENTITIES = [component(f"e{i}") for i in range(200)]


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
        await asyncio.sleep(seconds)
    finally:
        await scheduler.stop()
        await db.dispose()
    return 0


def child(url: str, replica: str, seconds: float) -> None:
    code = 1
    try:
        asyncio.events._set_running_loop(None)  # the fork copied the parent's running loop
        code = asyncio.run(run(url, replica, seconds))
    finally:
        os._exit(code)
