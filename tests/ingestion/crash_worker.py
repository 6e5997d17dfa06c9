"""The provider side of the crash test: runs in a forked child, pages slowly through a
synthetic source, and records every applied page inside the page transaction."""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.db import Database, RetryPolicy
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion import sweep
from openchoreo_catalog.ingestion.errors import ProviderBusy
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.protocol import Burst, IncrementalOptions, JsonValue, PageResult
from tests.fixtures.entities import component

NAME = "crash"
OPTIONS = IncrementalOptions(burst_interval=0.05, burst_length=0.05, rest_length=3600)

applied = Table(
    "test_crash_applied",
    MetaData(),
    Column("ingestion_id", String(36), nullable=False),
    Column("sequence", Integer, nullable=False),
)


def source(generation: int, size: int) -> list[dict[str, Any]]:
    """Generation 0 has ``c0..c{size-1}`` and extras; generation 1 drops a third, changes
    the rest, and adds new ones."""
    if generation == 0:
        names = [f"c{i}" for i in range(size)] + [f"gone{i}" for i in range(size // 2)]
        return [component(n, system="v0") for n in names]
    kept = [f"c{i}" for i in range(size) if i % 3]
    return [component(n, system="v1") for n in kept + [f"new{i}" for i in range(size // 4)]]


class SlowSource:
    def __init__(self, entities: list[dict[str, Any]], page: int, pause: float) -> None:
        self.entities = entities
        self.page = page
        self.pause = pause

    @property
    def name(self) -> str:
        return NAME

    @property
    def event_handler(self) -> None:
        return None

    @asynccontextmanager
    async def around(self, burst: Burst) -> AsyncIterator[None]:
        yield None

    async def next(self, context: None, cursor: JsonValue) -> PageResult:
        start = int(cursor or 0)  # type: ignore[arg-type]
        if self.pause:
            await asyncio.sleep(random.uniform(0, self.pause))
        chunk = self.entities[start : start + self.page]
        end = start + len(chunk)
        return PageResult(chunk, cursor=end, done=end >= len(self.entities))


async def record_page(conn: AsyncConnection, ingestion_id: str, sequence: int) -> None:
    await conn.execute(applied.insert().values(ingestion_id=ingestion_id, sequence=sequence))


def make_engine(
    db: Database, generation: int, size: int, page: int, pause: float
) -> IngestionEngine:
    engine = IngestionEngine(db, replica=f"crash-{os.getpid()}", lease_margin=0.5,
                             page_hook=record_page)  # fmt: skip
    engine.register(SlowSource(source(generation, size), page, pause), OPTIONS)
    return engine


async def work(url: str, after: str, size: int, page: int, pause: float) -> int:
    """Finish the cycle that follows ``after``; exit code 0 when it rests, 3 otherwise."""
    sweep.BATCH = 40  # many small sweep transactions: more places to be killed in
    db = Database.from_url(url, retry=RetryPolicy(attempts=8, base_delay=0.01, max_delay=0.2))
    engine = make_engine(db, 1, size, page, pause)
    try:
        current = await engine.engine(NAME).current()
        if current is not None and current.id != after and current.next_action == st.REST:
            return 0
        while True:
            try:
                summary = await engine.run_cycle(NAME)
            except ProviderBusy:
                await asyncio.sleep(0.01)
                continue
            return 0 if summary.completed else 3
    finally:
        await db.dispose()


def child(url: str, after: str, size: int, page: int, pause: float) -> None:
    """Entry point in the forked child: a fresh event loop, then a hard exit."""
    code = 1
    try:
        asyncio.events._set_running_loop(None)  # the fork copied the parent's running loop
        code = asyncio.run(work(url, after, size, page, pause))
    finally:
        os._exit(code)
