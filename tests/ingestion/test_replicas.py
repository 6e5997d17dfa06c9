"""Three engine processes share one database for several cycles: no two bursts of the
provider ever overlap (the burst log) and no second open cycle ever exists."""

from __future__ import annotations

import asyncio
import itertools
import os

import pytest
from sqlalchemy import func, select

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion import state
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.tables import bursts, ingestions
from tests.ingestion import replica_worker
from tests.ingestion.helpers import catalog_refs

SECONDS = 120.0  # a deadline: each replica stops as soon as the record is long enough


@pytest.mark.slow
async def test_three_replicas_never_overlap_and_never_open_two_cycles(
    database: Database,
) -> None:
    url = database.engine.url.render_as_string(hide_password=False)
    pids = []
    for index in range(3):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            replica_worker.child(url, f"replica-{index}", SECONDS)
        pids.append(pid)
    most_open = 0
    duplicates: list[str] = []
    exits: dict[int, int] = {}
    while len(exits) < len(pids):
        for pid in pids:
            if pid not in exits:
                done, status = os.waitpid(pid, os.WNOHANG)  # noqa: ASYNC222 - never blocks
                if done:
                    exits[pid] = os.waitstatus_to_exitcode(status)
        async with database.read() as conn:
            open_count = await conn.scalar(
                select(func.count())
                .select_from(ingestions)
                .where(ingestions.c.completion_ticket == st.OPEN_TICKET)
            )
            duplicates += await state.duplicate_open(conn)
        most_open = max(most_open, int(open_count or 0))
        await asyncio.sleep(0.02)
    assert list(exits.values()) == [0, 0, 0]
    assert most_open == 1
    assert duplicates == []
    async with database.read() as conn:
        rows = (
            await conn.execute(
                select(bursts.c.holder, bursts.c.started_at, bursts.c.ended_at, bursts.c.outcome)
                .where(bursts.c.provider_name == replica_worker.NAME)
                .order_by(bursts.c.started_at)
            )
        ).all()
        finished = await conn.scalar(
            select(func.count())
            .select_from(ingestions)
            .where(ingestions.c.completion_ticket != st.OPEN_TICKET)
        )
    assert len(rows) >= replica_worker.BURSTS_WANTED
    assert all(row.ended_at is not None for row in rows), "a burst was never closed"
    for before, after in itertools.pairwise(rows):
        assert after.started_at >= before.ended_at, f"bursts overlapped: {before} / {after}"
    assert len({row.holder.split("/")[0] for row in rows}) >= 2, "only one replica ever burst"
    assert int(finished or 0) >= replica_worker.CYCLES_WANTED, "fewer than several complete cycles"
    assert len(await catalog_refs(database)) == len(replica_worker.ENTITIES)
