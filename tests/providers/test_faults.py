"""Short and empty pages, failing details, bad items, hostile and long names, pacing, window."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from openchoreo_catalog.providers.openchoreo import incremental
from openchoreo_catalog.providers.openchoreo.translate.names import (
    ORIGINAL_NAME_ANNOTATION,
    is_valid_entity_name,
)
from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.providers.driver import run_cycle
from tests.providers.helpers import minimum_requests, provider_for
from tests.providers.oracle import expected, mismatches, short
from tests.simulator_fixtures import SIMULATOR_TOKEN

CONFIG = SimulatorConfig(
    orgs=2, projects=3, components=8, seed=29, endpoints=2, token=SIMULATOR_TOKEN
)


@pytest.fixture
def sim() -> Any:
    with InProcessSimulator(CONFIG) as server:
        yield server


@pytest.mark.parametrize("kind", ["short", "empty"])
async def test_authorization_style_short_and_empty_pages(
    sim: InProcessSimulator, kind: str
) -> None:
    sim.admin.add_fault(kind, rate=0.5)
    provider, _ = provider_for(sim, chunkSize=4)
    cycle = await run_cycle(provider, max_pages=5_000)
    assert mismatches(expected(sim.admin.dataset()), cycle.entities) == []
    assert not cycle.degraded


async def test_failing_detail_keeps_the_basic_component_and_degrades(
    sim: InProcessSimulator,
) -> None:
    """A detail still failing after the client's retries: basic Component, degraded page."""
    dataset = sim.admin.dataset()
    sim.admin.add_fault("error", match=r"/components/[^/]+$", status=503, times=1)
    provider, _ = provider_for(sim, client_options={"max_retries": 0})
    cycle = await run_cycle(provider)
    assert cycle.degraded
    assert any("kept its basic entity" in note for note in cycle.notes)
    want = expected(dataset)
    lacking = want.refs - set(cycle.entities)
    assert lacking, "the failed component's APIs cannot be known"
    assert all(ref.startswith("api:") for ref in lacking)
    assert set(cycle.entities) <= want.refs
    basic = [
        e
        for e in cycle.entities.values()
        if e["kind"] == "Component"
        and want.entities[f"component:{e['metadata']['namespace']}/{e['metadata']['name']}"][
            "providesApis"
        ]
        and "providesApis" not in e["spec"]
    ]
    assert len(basic) == 1


async def test_detail_retried_by_the_client_is_not_degraded(sim: InProcessSimulator) -> None:
    sim.admin.add_fault("error", match=r"/components/[^/]+$", status=503, times=2)
    provider, _ = provider_for(sim)
    cycle = await run_cycle(provider)
    assert not cycle.degraded
    assert mismatches(expected(sim.admin.dataset()), cycle.entities) == []


@pytest.mark.parametrize("match", [r"/components$", r"/projects$", r"/environments$", r"/orgs$"])
async def test_an_item_with_a_wrong_type_is_skipped_and_degrades(
    sim: InProcessSimulator, match: str
) -> None:
    sim.admin.add_fault("wrong_type", match=match, times=1)
    provider, _ = provider_for(sim, chunkSize=512)
    cycle = await run_cycle(provider)
    assert cycle.degraded
    assert any("skipped" in note for note in cycle.notes)
    want = expected(sim.admin.dataset())
    assert set(cycle.entities) <= want.refs  # smaller, unless a same-named twin stands in
    assert sum(1 for note in cycle.notes if "skipped" in note) == 1


async def test_schema_failure_leaves_the_template_out_and_degrades(
    sim: InProcessSimulator,
) -> None:
    sim.admin.add_fault("error", match=r"/schema$", status=500, times=1)
    provider, _ = provider_for(sim, client_options={"max_retries": 0})
    cycle = await run_cycle(provider)
    assert cycle.degraded
    missing = expected(sim.admin.dataset()).refs - set(cycle.entities)
    assert len(missing) == 1
    assert next(iter(missing)).startswith("template:")


async def test_hostile_names_become_valid_stable_entity_names(sim: InProcessSimulator) -> None:
    """300-character and non-ASCII names: shortened deterministically, original kept."""
    names: list[list[str]] = []
    for style in ("long", "non_ascii"):
        for _ in range(2):
            sim.admin.clear_faults()
            sim.admin.add_fault("hostile_names", match=r"/environments$", style=style)
            provider, _ = provider_for(sim)
            cycle = await run_cycle(provider)
            environments = sorted(
                (e["metadata"]["name"], e["metadata"]["annotations"][ORIGINAL_NAME_ANNOTATION])
                for e in cycle.entities.values()
                if e["kind"] == "Environment"
            )
            assert environments
            assert all(is_valid_entity_name(name) for name, _ in environments)
            assert all(name != original for name, original in environments)
            names.append([name for name, _ in environments])
    assert names[0] == names[1]
    assert names[2] == names[3]


async def test_long_component_names_shorten_apis_and_their_references(
    sim: InProcessSimulator,
) -> None:
    org = sim.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    project = sim.admin.dataset(org, components=False)["orgs"][0]["projects"][0]["project"]
    long_name = "comp-" + "a" * 50 + "-very-long-name"  # 70 chars: invalid for Kubernetes too
    long_name = long_name[:63].rstrip("-")
    sim.admin.add_component(
        org,
        project["name"],
        long_name,
        endpoints={"public-endpoint": {"type": "REST", "port": 8080}},
    )
    results = []
    for _ in range(2):
        provider, _ = provider_for(sim)
        results.append(await run_cycle(provider))
    first, second = results
    assert mismatches(expected(sim.admin.dataset()), first.entities) == []
    component = first.entities[f"component:{org}/{long_name}"]
    api_name = short(f"{long_name}-public-endpoint")
    assert api_name != f"{long_name}-public-endpoint"
    assert component["spec"]["providesApis"] == [api_name]
    api = first.entities[f"api:{org}/{api_name}"]
    assert api["metadata"]["annotations"][ORIGINAL_NAME_ANNOTATION] == (
        f"{long_name}-public-endpoint"
    )
    assert is_valid_entity_name(api_name)
    assert set(first.entities) == set(second.entities)


async def test_shared_pipeline_is_fetched_once_per_organization(sim: InProcessSimulator) -> None:
    provider, clients = provider_for(sim)
    cycle = await run_cycle(provider)
    pipelines = [e for e in cycle.entities.values() if e["kind"] == "DeploymentPipeline"]
    assert len(pipelines) == CONFIG.orgs
    fetched = clients.by_endpoint()[
        "GET /orgs/{orgName}/projects/{projectName}/deployment-pipeline"
    ]
    assert fetched == CONFIG.orgs
    systems = [e for e in cycle.entities.values() if e["kind"] == "System"]
    assert {s["metadata"]["annotations"]["openchoreo.io/deployment-pipeline"] for s in systems} == {
        p["metadata"]["name"] for p in pipelines
    }


async def test_paced_bursts_pause_between_pages_and_run_once_bursts_never_do(
    sim: InProcessSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    monkeypatch.setattr(incremental, "pause", pause)
    provider, _ = provider_for(sim, batchDelayMs=250)
    paced = await run_cycle(provider, paced=True)
    assert pauses == [0.25] * (paced.pages - 1)
    pauses.clear()
    await run_cycle(provider, paced=False)
    assert pauses == []


class CountingTransport(httpx.AsyncBaseTransport):
    """Counts requests in flight at once (the window is the provider's, not the pool's)."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=100))
        self.in_flight = 0
        self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            return await self._inner.handle_async_request(request)
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.mark.parametrize("window", [1, 3, 8])
async def test_requests_in_flight_never_exceed_the_window_and_fill_it(
    sim: InProcessSimulator, window: int
) -> None:
    sim.admin.settings(latency_ms=5)
    transport = CountingTransport()
    provider, clients = provider_for(
        sim,
        chunkSize=512,
        maxConcurrentRequests=window,
        client_options={"transport": transport, "max_connections": 100},
    )
    cycle = await run_cycle(provider)
    assert transport.most == window
    dataset = sim.admin.dataset()
    assert mismatches(expected(dataset), cycle.entities) == []
    assert clients.requests == minimum_requests(dataset, 512)


def test_pause_is_asyncio_sleep() -> None:
    assert incremental.pause is asyncio.sleep
