"""Crash safety: a provider in a child process is killed with SIGKILL at random instants
over one cycle (more than 20 times), restarted each time, and the final catalog equals the
source exactly — nothing lost, nothing extra, no page applied twice."""

from __future__ import annotations

import asyncio
import os
import random
import signal
from collections import Counter

import orjson
import pytest
from sqlalchemy import select, update

from openchoreo_catalog.db import Database
from openchoreo_catalog.db.tables.catalog import entities
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.tables import leases
from tests.ingestion import crash_worker
from tests.ingestion.helpers import active, catalog_refs

SIZE = 3_000
PAGE = 10
PAUSE = 0.004
KILLS = 22


def _fork(url: str, after: str) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        crash_worker.child(url, after, SIZE, PAGE, PAUSE)
    return pid


async def _wait(pid: int, timeout: float) -> int | None:
    """The child's exit status, or None if it is still running after ``timeout``."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)  # noqa: ASYNC222 - WNOHANG never blocks
        if done:
            return status
        if asyncio.get_running_loop().time() > deadline:
            return None
        await asyncio.sleep(0.002)


@pytest.mark.slow
async def test_sigkill_at_random_points_loses_nothing_and_applies_nothing_twice(
    database: Database,
) -> None:
    async with database.transaction() as conn:
        await conn.run_sync(lambda sync: crash_worker.applied.create(sync, checkfirst=True))
    try:
        seed = crash_worker.make_engine(database, 0, SIZE, PAGE, 0.0)
        first = await seed.run_cycle(crash_worker.NAME)
        assert first.completed
        assert first.ingestion_id is not None
        url = database.engine.url.render_as_string(hide_password=False)
        rng = random.Random(20261125)
        kills = 0
        while True:
            pid = _fork(url, first.ingestion_id)
            if kills < KILLS:
                status = await _wait(pid, rng.uniform(0.0, 0.2))
                if status is None:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)  # noqa: ASYNC222 - reaping a SIGKILLed child
                    kills += 1
                    async with database.transaction() as conn:  # wait out the dead lease
                        await conn.execute(update(leases).values(expires_at=0.0))
                    continue
            else:
                status = await _wait(pid, 120)
            assert status is not None
            code = os.waitstatus_to_exitcode(status)
            if code == 0:
                break
            assert code == 3, f"worker failed with exit code {code}"
        assert kills >= 20, "the cycle finished before enough kills: make it longer"

        expected = crash_worker.source(1, SIZE)
        expected_refs = {f"component:default/{e['metadata']['name']}" for e in expected}
        assert await catalog_refs(database) == expected_refs
        assert set(await active(database, crash_worker.NAME)) == expected_refs
        async with database.read() as conn:
            bodies = [orjson.loads(b) for (b,) in (await conn.execute(select(entities.c.body)))]
            rows = (await conn.execute(select(crash_worker.applied))).all()
        assert {b["spec"]["system"] for b in bodies} == {"v1"}
        record = await seed.engine(crash_worker.NAME).current()
        assert record is not None
        assert record.status == st.RESTING
        pages = Counter(row.sequence for row in rows if row.ingestion_id == record.id)
        assert set(pages.values()) == {1}, "a page was applied twice"
        assert sorted(pages) == list(range(record.pages))
        assert record.pages == -(-len(expected) // PAGE)
        assert record.entities_seen == len(expected)
    finally:
        async with database.transaction() as conn:
            await conn.run_sync(lambda sync: crash_worker.applied.drop(sync, checkfirst=True))
