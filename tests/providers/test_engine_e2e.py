"""End to end: the incremental provider driven by the ingestion engine's run-one-cycle-now,
against the simulator over loopback, into the catalog on SQLite and PostgreSQL.

What the catalog holds after each cycle is compared with the oracle's expectation computed
from the simulator's ground truth; the engine's sweep removes what vanished, and never
removes anything in a degraded cycle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.protocol import IncrementalOptions
from openchoreo_catalog.providers.openchoreo import OpenChoreoIncrementalEntityProvider
from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.providers.helpers import Clients, minimum_requests, settings_for
from tests.providers.oracle import expected, mismatches
from tests.providers.stored import StoreLookup, stored
from tests.simulator_fixtures import SIMULATOR_TOKEN, fast_client

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

NAME = "OpenChoreoIncrementalEntityProvider"
OPTIONS = IncrementalOptions(burst_length=60.0, rest_length=60.0, backoff=(1.0,))


class Rig:
    """Simulator, provider, engine: one cycle at a time, and the catalog to compare."""

    def __init__(self, sim: InProcessSimulator, database: Database, **incremental: Any) -> None:
        self.sim = sim
        self.db = database
        self.clients = Clients()

        def factory() -> Any:
            client = fast_client(sim.base_url, max_retries=1)
            self.clients.made.append(client)
            return client

        self.provider = OpenChoreoIncrementalEntityProvider(
            settings_for(sim, **incremental),
            client_factory=factory,
            lookup=StoreLookup(database, NAME),
        )
        self.engine = IngestionEngine(database, replica="e2e")
        self.engine.register(self.provider, OPTIONS)

    async def cycle(self) -> Any:
        summary = await self.engine.run_cycle(NAME)
        assert summary.completed, summary
        return summary

    async def problems(self) -> list[str]:
        return mismatches(expected(self.sim.admin.dataset()), await stored(self.db, NAME))


@pytest.fixture
async def rig(database: Database) -> AsyncIterator[Rig]:
    config = SimulatorConfig(
        orgs=2, projects=3, components=8, seed=71, endpoints=2, token=SIMULATOR_TOKEN
    )
    with InProcessSimulator(config) as sim:
        rig = Rig(sim, database)
        yield rig
        await rig.provider.aclose()


@pytest.mark.parametrize(("orgs", "projects", "components", "seed"), [(1, 2, 5, 3), (3, 4, 9, 5)])
async def test_a_cycle_through_the_engine_ingests_exactly_the_platform(
    database: Database, orgs: int, projects: int, components: int, seed: int
) -> None:
    config = SimulatorConfig(
        orgs=orgs, projects=projects, components=components, seed=seed, endpoints=2,
        token=SIMULATOR_TOKEN,
    )  # fmt: skip
    with InProcessSimulator(config) as sim:
        rig = Rig(sim, database)
        summary = await rig.cycle()
        assert await rig.problems() == []
        assert not summary.degraded
        assert (summary.removed, summary.invalid) == (0, 0)
        dataset = sim.admin.dataset()
        assert rig.clients.requests <= 1.02 * minimum_requests(dataset, 5)


async def test_the_next_cycle_follows_additions_changes_and_removals(rig: Rig) -> None:
    await rig.cycle()
    dataset = rig.sim.admin.dataset()
    first, second = dataset["orgs"]
    org, project = second["org"]["name"], second["projects"][0]["project"]["name"]
    services = [c for c in second["projects"][0]["components"] if c["type"] == "deployment/service"]
    admin = rig.sim.admin
    admin.remove_org(first["org"]["name"])
    admin.add_org("org-0600-new", projects=1, components=4)
    admin.remove_project(org, second["projects"][1]["project"]["name"])
    admin.add_project(org, "proj-0700-new", components=3)
    admin.remove_component(org, project, second["projects"][0]["components"][-1]["name"])
    admin.add_component(org, project, "comp-0800-new")
    admin.update_component(org, project, second["projects"][0]["components"][0]["name"],
                           displayName="Changed")  # fmt: skip
    if services:
        admin.set_endpoints(org, project, services[0]["name"], {"x": {"type": "TCP", "port": 1}})
    summary = await rig.cycle()
    assert summary.removed > 0
    assert await rig.problems() == []


async def test_expired_tokens_everywhere_lose_and_remove_nothing(rig: Rig) -> None:
    await rig.cycle()
    before = set(await stored(rig.db, NAME))
    rig.sim.admin.add_fault("expire", every=2, times=12)
    small_pages = Rig(rig.sim, rig.db, chunkSize=2)  # continuations at every level
    summary = await small_pages.cycle()
    await small_pages.provider.aclose()
    assert summary.removed == 0
    assert rig.sim.admin.faults()[0]["applied"] >= 6
    assert set(await stored(rig.db, NAME)) == before
    assert await rig.problems() == []


async def test_a_degraded_cycle_removes_nothing_and_the_next_clean_one_does(rig: Rig) -> None:
    await rig.cycle()
    entry = rig.sim.admin.dataset()["orgs"][0]
    org, project = entry["org"]["name"], entry["projects"][0]["project"]["name"]
    components = entry["projects"][0]["components"]
    gone = components[0]["name"]
    failing = next(c["name"] for c in components[1:] if c["type"] == "deployment/service")
    rig.sim.admin.remove_component(org, project, gone)
    rule = rig.sim.admin.add_fault("error", match=f"/components/{failing}$", status=500)
    degraded = await rig.cycle()
    assert degraded.degraded
    assert degraded.removed == 0
    assert f"component:{org}/{gone}" in await stored(rig.db, NAME)
    rig.sim.admin.remove_fault(rule)
    clean = await rig.cycle()
    assert not clean.degraded
    assert clean.removed >= 1
    assert await rig.problems() == []


async def test_events_show_at_once_and_survive_the_next_sweep(rig: Rig) -> None:
    await rig.cycle()
    entry = rig.sim.admin.dataset(components=False)["orgs"][1]
    org, project = entry["org"]["name"], entry["projects"][0]["project"]["name"]
    ref = f"component:{org}/comp-0900-evented"
    payload = {"organization": org, "project": project, "component": "comp-0900-evented"}

    rig.sim.admin.add_component(
        org, project, "comp-0900-evented", endpoints={"api": {"type": "REST", "port": 80}}
    )
    await rig.engine.publish("openchoreo.component", {"action": "created", **payload})
    catalog = await stored(rig.db, NAME)
    assert ref in catalog
    assert f"api:{org}/comp-0900-evented-api" in catalog
    await rig.cycle()
    assert await rig.problems() == []

    rig.sim.admin.update_component(org, project, "comp-0900-evented", displayName="Evented")
    rig.sim.admin.set_endpoints(org, project, "comp-0900-evented", {})
    await rig.engine.publish("openchoreo.component", {"action": "updated", **payload})
    catalog = await stored(rig.db, NAME)
    assert catalog[ref]["metadata"]["title"] == "Evented"
    assert f"api:{org}/comp-0900-evented-api" not in catalog
    await rig.cycle()
    assert await rig.problems() == []

    rig.sim.admin.remove_component(org, project, "comp-0900-evented")
    await rig.engine.publish("openchoreo.component", {"action": "deleted", **payload})
    assert ref not in await stored(rig.db, NAME)
    summary = await rig.cycle()
    assert summary.removed == 0  # the event already removed it; the sweep has nothing to do
    assert await rig.problems() == []
