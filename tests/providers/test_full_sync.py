"""The full-sync provider: one full mutation per run, the same entities as a cycle, and a
degraded run that removes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from openchoreo_catalog.providers.openchoreo.full import OpenChoreoEntityProvider
from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.providers.helpers import Clients, minimum_requests, settings_for
from tests.providers.memory_catalog import MemoryCatalog
from tests.providers.oracle import expected, mismatches
from tests.simulator_fixtures import SIMULATOR_TOKEN, fast_client

CONFIG = SimulatorConfig(
    orgs=3, projects=3, components=9, seed=41, endpoints=2, token=SIMULATOR_TOKEN
)


@pytest.fixture
def sim() -> Any:
    with InProcessSimulator(CONFIG) as server:
        yield server


def full_provider(
    sim: InProcessSimulator, catalog: MemoryCatalog, **options: Any
) -> tuple[OpenChoreoEntityProvider, Clients]:
    clients = Clients()

    def factory() -> Any:
        client = fast_client(sim.base_url, **options)
        clients.made.append(client)
        return client

    settings = settings_for(sim, chunkSize=4)
    return OpenChoreoEntityProvider(settings, catalog, client_factory=factory), clients


async def test_a_run_replaces_the_catalog_with_exactly_the_platform(
    sim: InProcessSimulator,
) -> None:
    catalog = MemoryCatalog()
    provider, clients = full_provider(sim, catalog)
    run = await provider.run_once()
    dataset = sim.admin.dataset()
    assert mismatches(expected(dataset), catalog.entities) == []
    assert catalog.mutations == [("full", len(run.entities))]
    assert clients.requests <= 1.02 * minimum_requests(dataset, 4)
    annotations = next(iter(catalog.entities.values()))["metadata"]["annotations"]
    assert annotations["backstage.io/managed-by-location"] == "provider:OpenChoreoEntityProvider"

    org = dataset["orgs"][0]["org"]["name"]
    project = dataset["orgs"][0]["projects"][0]["project"]["name"]
    sim.admin.remove_project(org, project)
    sim.admin.add_org("org-9000-late", projects=1, components=3)
    await provider.run_once()
    assert mismatches(expected(sim.admin.dataset()), catalog.entities) == []


async def test_a_degraded_run_adds_and_removes_nothing(sim: InProcessSimulator) -> None:
    catalog = MemoryCatalog()
    provider, _ = full_provider(sim, catalog, max_retries=0)
    await provider.run_once()
    before = set(catalog.entities)
    org = sim.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    sim.admin.remove_org(org)
    sim.admin.add_fault("error", match=r"/components/[^/]+$", status=500, times=1)
    run = await provider.run_once()
    assert run.degraded
    assert catalog.mutations[-1][0] == "delta"
    assert set(catalog.entities) == before  # the removed organization stays until a clean run


class SignallingCatalog(MemoryCatalog):
    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()

    async def apply_mutation(self, provider: str, mutation: Any) -> None:
        await super().apply_mutation(provider, mutation)
        self.changed.set()


async def test_the_schedule_runs_until_stopped(sim: InProcessSimulator) -> None:
    catalog = SignallingCatalog()
    settings = settings_for(sim).model_copy(
        update={"schedule": settings_for(sim).schedule.model_copy(update={"frequency": 0.05})}
    )
    provider = OpenChoreoEntityProvider(
        settings, catalog, client_factory=lambda: fast_client(sim.base_url)
    )
    stop = asyncio.Event()
    task = asyncio.create_task(provider.run_forever(stop))
    async with asyncio.timeout(20):
        while len(catalog.mutations) < 2:
            await catalog.changed.wait()
            catalog.changed.clear()
    stop.set()
    await task
    assert all(kind == "full" for kind, _ in catalog.mutations)
