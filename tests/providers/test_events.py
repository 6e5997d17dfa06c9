"""Events: a created, changed or deleted object shows in the catalog at once, and the next
cycle agrees with it."""

from __future__ import annotations

from typing import Any

import pytest

from openchoreo_catalog.ingestion.protocol import IGNORED, EventDelta
from openchoreo_catalog.providers.openchoreo.events import MalformedEvent
from openchoreo_catalog.providers.openchoreo.incremental import (
    OpenChoreoIncrementalEntityProvider,
)
from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.providers.driver import run_cycle
from tests.providers.helpers import settings_for
from tests.providers.memory_catalog import MemoryCatalog
from tests.providers.oracle import expected, mismatches
from tests.simulator_fixtures import SIMULATOR_TOKEN, fast_client

CONFIG = SimulatorConfig(
    orgs=2, projects=2, components=6, seed=31, endpoints=2, token=SIMULATOR_TOKEN
)


@pytest.fixture
def sim() -> Any:
    with InProcessSimulator(CONFIG) as server:
        yield server


@pytest.fixture
async def world(sim: InProcessSimulator) -> Any:
    """A provider whose lookup is an in-memory catalog filled by a first cycle."""
    catalog = MemoryCatalog()
    provider = OpenChoreoIncrementalEntityProvider(
        settings_for(sim),
        client_factory=lambda: fast_client(sim.base_url),
        lookup=catalog,
    )
    cycle = await run_cycle(provider)
    catalog.upsert(list(cycle.entities.values()))
    yield provider, catalog
    await provider.aclose()


async def send(
    provider: OpenChoreoIncrementalEntityProvider,
    catalog: MemoryCatalog,
    topic: str,
    **payload: str,
) -> EventDelta:
    delta = await provider.event_handler.on_event(topic, payload)
    assert isinstance(delta, EventDelta)
    catalog.apply(delta)
    return delta


async def assert_converged(sim: InProcessSimulator, provider: Any, catalog: MemoryCatalog) -> None:
    """The catalog matches the source now, and the next cycle (whose sweep keeps exactly what
    it saw) sees exactly the same."""
    want = expected(sim.admin.dataset())
    assert mismatches(want, catalog.entities) == []
    cycle = await run_cycle(provider)
    assert mismatches(want, cycle.entities) == []


def first(sim: InProcessSimulator) -> tuple[str, str]:
    entry = sim.admin.dataset(components=False)["orgs"][0]
    return entry["org"]["name"], entry["projects"][0]["project"]["name"]


async def test_component_created_changed_and_deleted(sim: InProcessSimulator, world: Any) -> None:
    provider, catalog = world
    org, project = first(sim)
    sim.admin.add_component(
        org,
        project,
        "comp-9000-new",
        endpoints={"api": {"type": "REST", "port": 8080}, "rpc": {"type": "gRPC", "port": 9090}},
    )
    delta = await send(
        provider,
        catalog,
        "openchoreo.component",
        action="created",
        organization=org,
        project=project,
        component="comp-9000-new",
    )
    assert {e["kind"] for e in delta.added} == {"Component", "API"}
    assert f"api:{org}/comp-9000-new-rpc" in catalog.entities
    await assert_converged(sim, provider, catalog)

    sim.admin.set_endpoints(org, project, "comp-9000-new", {"api": {"type": "REST", "port": 8081}})
    delta = await send(
        provider,
        catalog,
        "openchoreo.component",
        action="updated",
        organization=org,
        project=project,
        component="comp-9000-new",
    )
    assert delta.removed == [f"api:{org}/comp-9000-new-rpc"]
    assert (
        catalog.entities[f"api:{org}/comp-9000-new-api"]["metadata"]["annotations"][
            "openchoreo.io/endpoint-port"
        ]
        == "8081"
    )
    await assert_converged(sim, provider, catalog)

    sim.admin.remove_component(org, project, "comp-9000-new")
    delta = await send(
        provider,
        catalog,
        "openchoreo.component",
        action="deleted",
        organization=org,
        project=project,
        component="comp-9000-new",
    )
    assert sorted(delta.removed) == [
        f"api:{org}/comp-9000-new-api",
        f"component:{org}/comp-9000-new",
    ]
    await assert_converged(sim, provider, catalog)


async def test_a_delete_for_something_that_still_exists_keeps_it(
    sim: InProcessSimulator, world: Any
) -> None:
    provider, catalog = world
    org, project = first(sim)
    component = sim.admin.dataset(org)["orgs"][0]["projects"][0]["components"][0]["name"]
    delta = await send(
        provider,
        catalog,
        "openchoreo.component",
        action="deleted",
        organization=org,
        project=project,
        component=component,
    )
    assert delta.removed == []
    assert f"component:{org}/{component}" in catalog.entities


async def test_project_created_and_deleted(sim: InProcessSimulator, world: Any) -> None:
    provider, catalog = world
    org, _ = first(sim)
    sim.admin.add_project(org, "proj-9000-fresh", components=4)
    delta = await send(
        provider,
        catalog,
        "openchoreo.project",
        action="created",
        organization=org,
        project="proj-9000-fresh",
    )
    assert f"system:{org}/proj-9000-fresh" in {
        f"{e['kind']}:{e['metadata']['namespace']}/{e['metadata']['name']}".lower()
        for e in delta.added
    }
    await assert_converged(sim, provider, catalog)

    sim.admin.remove_project(org, "proj-9000-fresh")
    delta = await send(
        provider,
        catalog,
        "openchoreo.project",
        action="deleted",
        organization=org,
        project="proj-9000-fresh",
    )
    assert f"system:{org}/proj-9000-fresh" in delta.removed
    assert not any(r.startswith("deploymentpipeline:") for r in delta.removed)
    await assert_converged(sim, provider, catalog)


async def test_organization_deleted_removes_its_subtree(
    sim: InProcessSimulator, world: Any
) -> None:
    provider, catalog = world
    org, _ = first(sim)
    sim.admin.remove_org(org)
    delta = await send(
        provider, catalog, "openchoreo.organization", action="deleted", organization=org
    )
    assert f"domain:default/{org}" in delta.removed
    assert not any(
        e["metadata"]["annotations"].get("openchoreo.io/organization") == org
        for e in catalog.entities.values()
    )
    await assert_converged(sim, provider, catalog)


async def test_organization_created_brings_its_platform_and_projects(
    sim: InProcessSimulator, world: Any
) -> None:
    provider, catalog = world
    sim.admin.add_org("org-9000-new", projects=2, components=0)
    delta = await send(
        provider, catalog, "openchoreo.organization", action="created", organization="org-9000-new"
    )
    kinds = {e["kind"] for e in delta.added}
    assert {
        "Domain",
        "Environment",
        "Dataplane",
        "Template",
        "System",
        "DeploymentPipeline",
    } <= kinds
    await assert_converged(sim, provider, catalog)


@pytest.mark.parametrize(
    ("topic", "payload"),
    [
        ("openchoreo.component", None),
        ("openchoreo.component", {"action": "created", "organization": "a", "project": "b"}),
        ("openchoreo.project", {"action": "renamed", "organization": "a", "project": "b"}),
        ("openchoreo.organization", {"action": "created"}),
        ("openchoreo.organization", {"action": "created", "organization": 7}),
        ("openchoreo.organization", {"action": "created", "organization": "名前"}),
    ],
)
async def test_malformed_payloads_raise_a_typed_error(
    sim: InProcessSimulator, topic: str, payload: Any
) -> None:
    provider = OpenChoreoIncrementalEntityProvider(settings_for(sim))
    with pytest.raises(MalformedEvent):
        await provider.event_handler.on_event(topic, payload)


async def test_other_topics_are_ignored(sim: InProcessSimulator) -> None:
    provider = OpenChoreoIncrementalEntityProvider(settings_for(sim))
    assert await provider.event_handler.on_event("github.push", {}) is IGNORED
    assert list(provider.event_handler.topics()) == [
        "openchoreo.organization",
        "openchoreo.project",
        "openchoreo.component",
    ]
