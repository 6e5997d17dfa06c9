"""Both providers into the real catalog store, on SQLite and PostgreSQL.

The full-sync provider applies one ``Full`` mutation per run; the incremental provider's
pages go in as deltas here (the engine's sweep is the engine's business, tested there), and
events' deltas apply at once.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from openchoreo_catalog.catalog import CatalogStore, Delta
from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.protocol import Burst, EventDelta
from openchoreo_catalog.providers.openchoreo.full import OpenChoreoEntityProvider
from openchoreo_catalog.providers.openchoreo.incremental import (
    OpenChoreoIncrementalEntityProvider,
)
from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.providers.helpers import settings_for
from tests.providers.oracle import expected, mismatches
from tests.providers.stored import StoreLookup, stored
from tests.simulator_fixtures import SIMULATOR_TOKEN, fast_client

BACKENDS = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def sim() -> Any:
    config = SimulatorConfig(
        orgs=2, projects=3, components=10, seed=61, endpoints=2, token=SIMULATOR_TOKEN
    )
    with InProcessSimulator(config) as server:
        yield server


async def assert_relations(store: CatalogStore, entities: dict[str, Any]) -> None:
    """The relations issue 5 lists follow from the entities, for every one of them."""
    wanted = {
        "system": {"partOf", "usesPipeline", "ownedBy"},
        "component": {"partOf", "ownedBy"},
        "api": {"partOf", "apiProvidedBy"},
        "environment": {"hostedOn"},
        "deploymentpipeline": {"pipelineUsedBy"},
    }
    for ref in entities:
        kinds = wanted.get(ref.partition(":")[0])
        if kinds is None:
            continue
        served = json.loads(await store.entity_by_ref(ref) or "{}")
        types = {relation["type"] for relation in served.get("relations", [])}
        assert kinds <= types, (ref, types)


@BACKENDS
@pytest.mark.parametrize("seed", [61, 62])
async def test_full_sync_into_the_store(database: Database, seed: int) -> None:
    config = SimulatorConfig(
        orgs=2, projects=2, components=8, seed=seed, endpoints=2, token=SIMULATOR_TOKEN
    )
    with InProcessSimulator(config) as sim:
        store = CatalogStore(database)
        provider = OpenChoreoEntityProvider(
            settings_for(sim), store, client_factory=lambda: fast_client(sim.base_url)
        )
        run = await provider.run_once()
        assert run.rejected == 0
        assert mismatches(expected(sim.admin.dataset()), await stored(database)) == []
        await assert_relations(store, await stored(database))

        dataset = sim.admin.dataset(components=False)
        org = dataset["orgs"][0]["org"]["name"]
        sim.admin.remove_project(org, dataset["orgs"][0]["projects"][0]["project"]["name"])
        sim.admin.add_component(
            org, dataset["orgs"][0]["projects"][1]["project"]["name"], "comp-7777-added"
        )
        await provider.run_once()
        assert mismatches(expected(sim.admin.dataset()), await stored(database)) == []


@BACKENDS
async def test_incremental_pages_and_events_into_the_store(
    database: Database, sim: InProcessSimulator
) -> None:
    store = CatalogStore(database)
    name = "OpenChoreoIncrementalEntityProvider"
    provider = OpenChoreoIncrementalEntityProvider(
        settings_for(sim),
        client_factory=lambda: fast_client(sim.base_url),
        lookup=StoreLookup(database, name),
    )
    cursor: Any = None
    async with provider.around(Burst(paced=False)) as context:
        while True:
            page = await provider.next(context, cursor)
            result = await store.apply_mutation(name, Delta(added=page.entities))
            assert result.rejected == []
            if page.done:
                break
            cursor = page.cursor
    assert mismatches(expected(sim.admin.dataset()), await stored(database, name)) == []

    entry = sim.admin.dataset(components=False)["orgs"][1]
    org, project = entry["org"]["name"], entry["projects"][0]["project"]["name"]
    sim.admin.add_component(org, project, "comp-8888-evented")
    sim.admin.remove_project(org, entry["projects"][1]["project"]["name"])
    for topic, payload in [
        ("openchoreo.component", {"component": "comp-8888-evented", "project": project}),
        ("openchoreo.project", {"project": entry["projects"][1]["project"]["name"]}),
    ]:
        delta = await provider.event_handler.on_event(
            topic, {"action": "updated", "organization": org, **payload}
        )
        assert isinstance(delta, EventDelta)
        await store.apply_mutation(name, Delta(added=delta.added, removed=delta.removed))
    await provider.aclose()
    assert mismatches(expected(sim.admin.dataset()), await stored(database, name)) == []
