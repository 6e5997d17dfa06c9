"""The events ingress end to end: a burst of 1,000 events all lands, and an accepted event
survives the service being killed before it was applied."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import httpx

from openchoreo_catalog.simulator import SimulatorProcess
from tests.service.catalog import resting
from tests.service.conftest import ServeFactory
from tests.service.harness import AUTH, wait_until

TOPIC = "/api/events/http/openchoreo.component"


def new_components(sim: SimulatorProcess, project: str, count: int) -> tuple[str, list[str]]:
    org = sim.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    sim.admin.add_project(org, project, components=count)
    entry = sim.admin.dataset(org)["orgs"][0]
    [found] = [p for p in entry["projects"] if p["project"]["name"] == project]
    return org, [c["name"] for c in found["components"]]


async def post_all(url: str, org: str, project: str, names: list[str]) -> list[int]:
    limit = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=url, headers=AUTH, timeout=60) as client:

        async def post(name: str) -> int:
            payload = {"action": "created", "organization": org, "project": project,
                       "component": name}  # fmt: skip
            async with limit:
                return (await client.post(TOPIC, json=payload)).status_code

        return await asyncio.gather(*(post(name) for name in names))


def visible(client: httpx.Client, project: str) -> int:
    response = client.get(
        "/api/catalog/entities/by-query",
        params={"filter": f"kind=component,spec.system={project}", "limit": 0},
    )
    return int(response.json()["totalItems"])


def test_a_burst_of_1000_events_all_lands(
    sim: SimulatorProcess, config: Path, serve: ServeFactory
) -> None:
    server = serve(config)
    with server.client() as client:
        wait_until(lambda: resting(client), what="the first cycle")
        org, names = new_components(sim, "proj-0600-burst", 1000)
        statuses = asyncio.run(post_all(server.url, org, "proj-0600-burst", names))
        assert statuses == [202] * 1000
        wait_until(
            lambda: visible(client, "proj-0600-burst") == 1000,
            timeout=180,
            interval=0.2,
            what="all 1,000 components of the events",
        )
        metrics = client.get("/metrics").text
        assert "catalog_events_failed" not in metrics
    assert server.stop() == 0


def inbox_rows(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return int(conn.execute("SELECT count(*) FROM event_inbox").fetchone()[0])


def test_an_accepted_event_survives_a_crash_before_it_is_applied(
    sim: SimulatorProcess, config: Path, tmp_path: Path, serve: ServeFactory
) -> None:
    server = serve(config)
    with server.client() as client:
        wait_until(lambda: resting(client), what="the first cycle")
    org, names = new_components(sim, "proj-0610-crash", 30)
    sim.admin.settings(latency_ms=5000)  # the handler's reads hang: nothing is applied yet
    statuses = asyncio.run(post_all(server.url, org, "proj-0610-crash", names))
    assert statuses == [202] * 30
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    assert inbox_rows(tmp_path / "catalog.sqlite") == 30, "accepted means stored"

    sim.admin.settings(latency_ms=0)
    server.start()
    database = tmp_path / "catalog.sqlite"
    with server.client() as client:
        wait_until(
            lambda: inbox_rows(database) == 0 and visible(client, "proj-0610-crash") == 30,
            timeout=60,
            interval=0.2,
            what="the events accepted before the crash (after the dead holder's lease)",
        )
    assert server.stop() == 0
