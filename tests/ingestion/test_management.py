"""The management API, mounted through the app factory: every route's success, 404 for
unknown providers, and the app's auth policy on every mutation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion import state
from openchoreo_catalog.ingestion import status as st
from openchoreo_catalog.ingestion.clock import ManualClock
from openchoreo_catalog.ingestion.management import management_router
from openchoreo_catalog.ingestion.manager import IngestionEngine
from tests.fixtures.app import AUTH, client_for
from tests.ingestion.conftest import MakeEngine
from tests.ingestion.helpers import ScriptedProvider, comps, records

BASE = "/api/catalog/incremental"

READS = [
    ("GET", "/providers/{p}"),
    ("GET", "/providers/{p}/status"),
    ("GET", "/providers/{p}/marks"),
]
WRITES = [
    ("POST", "/providers/{p}/trigger"),
    ("POST", "/providers/{p}/refresh"),
    ("POST", "/providers/{p}/start"),
    ("POST", "/providers/{p}/cancel"),
    ("POST", "/providers/{p}/reset"),
    ("DELETE", "/providers/{p}"),
    ("DELETE", "/providers/{p}/marks"),
]


@pytest.fixture
async def api(
    database: Database, make_engine: MakeEngine
) -> AsyncIterator[tuple[httpx.AsyncClient, IngestionEngine]]:
    provider = ScriptedProvider("p", [comps("a"), comps("b")])
    engine = make_engine(provider)
    async with client_for(database, routers=[management_router(engine)]) as client:
        yield client, engine


async def test_health_reports_duplicate_ingestions(
    database: Database, clock: ManualClock, api: tuple[httpx.AsyncClient, IngestionEngine]
) -> None:
    client, _engine = api
    response = await client.get(f"{BASE}/health")
    assert response.json() == {"success": True, "data": {"healthy": True}}
    assert (await client.head(f"{BASE}/health")).status_code == 200
    async with database.transaction() as conn:
        twin = await state.insert_record(conn, "p", clock.now())
        # a finished-looking ticket, but never rest-completed: an unfinished twin
        await state.transition(conn, twin.id, {"completion_ticket": "x"})
        await state.insert_record(conn, "p", clock.now())
    response = await client.get(f"{BASE}/health")
    assert response.json()["data"] == {"healthy": False, "duplicateIngestions": ["p"]}


async def test_providers_lists_the_registered_ones(
    api: tuple[httpx.AsyncClient, IngestionEngine],
) -> None:
    client, _engine = api
    response = await client.get(f"{BASE}/providers")
    assert response.json() == {"success": True, "data": {"providers": ["p"]}}


async def test_provider_detail_shows_state_counts_and_bursts(
    database: Database, api: tuple[httpx.AsyncClient, IngestionEngine]
) -> None:
    client, engine = api
    before = (await client.get(f"{BASE}/providers/p")).json()["data"]
    assert before["status"] == "rest complete, waiting to start"
    await engine.tick("p")
    for path in ("/providers/p", "/providers/p/status"):
        data = (await client.get(BASE + path)).json()["data"]
        assert data["status"] == st.RESTING
        assert data["nextAction"] == st.REST
        assert data["nextActionAt"].endswith("Z")
        assert (data["entitiesActive"], data["entitiesSeenThisCycle"]) == (2, 2)
        assert data["attempts"] == 0
        assert data["lastError"] is None
        assert data["current"]["pages"] == 2
        assert data["currentBurst"] is None
        assert data["lastBursts"][0]["pages"] == 2
        assert data["lastBursts"][0]["outcome"] == "done"


async def test_marks_of_the_open_cycle_newest_first(
    api: tuple[httpx.AsyncClient, IngestionEngine],
) -> None:
    client, engine = api
    await engine.tick("p")
    data = (await client.get(f"{BASE}/providers/p/marks")).json()["data"]
    assert [m["sequence"] for m in data["marks"]] == [1, 0]
    assert data["marks"][0]["cursor"] == 2
    assert data["marks"][0]["done"] is True
    assert data["ingestionId"] == await engine.current_id("p")


async def test_trigger_refresh_start_and_cancel(
    database: Database, clock: ManualClock, api: tuple[httpx.AsyncClient, IngestionEngine]
) -> None:
    client, engine = api
    await engine.tick("p")
    for path in ("trigger", "refresh"):
        response = await client.post(f"{BASE}/providers/p/{path}", headers=AUTH)
        assert response.status_code == 200
        assert response.json()["data"]["message"] == "p: Next action triggered."
    record = await engine.engine("p").current()
    assert record is not None
    assert record.next_action_at == clock.now()
    response = await client.post(f"{BASE}/providers/p/cancel", headers=AUTH)
    assert response.json()["data"]["outcome"] == "resting"
    response = await client.post(f"{BASE}/providers/p/start", headers=AUTH)
    assert response.json()["data"]["outcome"] == "rest ended"
    await engine.tick("p")  # the next cycle (two pages), resting again
    provider = engine.engine("p").provider
    assert isinstance(provider, ScriptedProvider)
    provider.pages = [comps(f"c{i}") for i in range(5)]
    provider.clock, provider.step = clock, 2.0
    await engine.start("p")
    await engine.tick("p")  # two pages of the new cycle, then the burst yields
    response = await client.post(f"{BASE}/providers/p/cancel", headers=AUTH)
    assert response.json()["data"]["outcome"] == "canceling"


async def test_delete_and_reset_purge_then_start_fresh(
    database: Database, api: tuple[httpx.AsyncClient, IngestionEngine]
) -> None:
    client, engine = api
    await engine.tick("p")
    response = await client.delete(f"{BASE}/providers/p", headers=AUTH)
    assert response.json()["data"] == {"provider": "p", "ingestionsDeleted": 1, "marksDeleted": 2}
    response = await client.post(f"{BASE}/providers/p/reset", headers=AUTH)
    assert response.json()["data"]["ingestionsDeleted"] == 1
    assert [r["next_action"] for r in await records(database, "p")] == [st.INGEST]


async def test_clear_marks_and_cleanup(
    database: Database, clock: ManualClock, api: tuple[httpx.AsyncClient, IngestionEngine]
) -> None:
    client, engine = api
    await engine.tick("p")
    await engine.start("p")
    await engine.tick("p")
    response = await client.delete(f"{BASE}/providers/p/marks", headers=AUTH)
    assert response.json()["data"]["marksDeleted"] == 2
    response = await client.post(f"{BASE}/cleanup", headers=AUTH)
    assert response.json()["data"] == {"ingestionsDeleted": 2, "ingestionMarksDeleted": 2}
    rows = await records(database, "p")
    assert [(r["status"], r["next_action"]) for r in rows] == [(st.RESTING, st.REST)]


@pytest.mark.parametrize(("method", "path"), READS + WRITES)
async def test_unknown_providers_get_404_everywhere(
    api: tuple[httpx.AsyncClient, IngestionEngine], method: str, path: str
) -> None:
    client, _engine = api
    response = await client.request(method, BASE + path.format(p="nope"), headers=AUTH)
    assert response.status_code == 404
    assert response.json() == {"success": False, "error": "Provider 'nope' not found"}


@pytest.mark.parametrize(("method", "path"), [*WRITES, ("POST", "/cleanup")])
async def test_mutations_need_a_valid_token(
    database: Database, api: tuple[httpx.AsyncClient, IngestionEngine], method: str, path: str
) -> None:
    client, _engine = api
    url = BASE + path.format(p="p")
    missing = await client.request(method, url)
    assert missing.status_code == 401
    assert missing.json()["error"]["name"] == "AuthenticationError"
    wrong = await client.request(method, url, headers={"Authorization": "Bearer wrong-token"})
    assert wrong.status_code == 403
    assert await records(database, "p") == []


@pytest.mark.parametrize(("method", "path"), [*READS, ("GET", "/health"), ("GET", "/providers")])
async def test_reads_are_open(
    api: tuple[httpx.AsyncClient, IngestionEngine], method: str, path: str
) -> None:
    client, _engine = api
    response = await client.request(method, BASE + path.format(p="p"))
    assert response.status_code == 200
    assert response.json()["success"] is True


async def test_detail_during_a_burst_shows_its_progress(
    database: Database, make_engine: MakeEngine
) -> None:
    seen: list[dict] = []

    class Watching(ScriptedProvider):
        async def next(self, context: dict, cursor: object) -> object:  # type: ignore[override]
            if cursor == 2:
                seen.append(await engine.detail("p"))
            return await super().next(context, cursor)  # type: ignore[arg-type]

    engine = make_engine(Watching("p", [comps("a", "b"), comps("c"), comps("d")]))
    await engine.tick("p")
    burst = seen[0]["currentBurst"]
    assert burst is not None
    assert (burst["pages"], burst["entities"], burst["outcome"]) == (2, 3, "running")
    assert burst["holder"].startswith("test/")
    assert seen[0]["entitiesSeenThisCycle"] == 3
    after = await engine.detail("p")
    assert after["currentBurst"] is None
