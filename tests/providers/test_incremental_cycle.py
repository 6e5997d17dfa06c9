"""A whole incremental cycle against the simulator over loopback: exactly the expected set.

The expectation comes from the simulator's ground truth through ``oracle.py`` (rules
written in the test, not the provider's code). Every test also checks the request count
against the fewest requests any walk could make.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from openchoreo_catalog.ingestion.protocol import Burst
from openchoreo_catalog.providers.openchoreo import incremental
from openchoreo_catalog.providers.openchoreo.incremental import (
    OpenChoreoIncrementalEntityProvider,
)
from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.providers.driver import run_cycle
from tests.providers.helpers import minimum_requests, provider_for
from tests.providers.oracle import expected, mismatches
from tests.simulator_fixtures import SIMULATOR_TOKEN

SHAPES = [
    # orgs, projects, components, seed, chunk size
    pytest.param(1, 1, 0, 3, 5, id="one-empty-project"),
    pytest.param(2, 3, 12, 7, 5, id="small-chunk-5"),
    pytest.param(3, 4, 9, 11, 2, id="chunk-2"),
    pytest.param(2, 2, 40, 5, 512, id="chunk-512"),
    pytest.param(4, 1, 3, 13, 1, id="chunk-1"),
]


def simulator(orgs: int, projects: int, components: int, seed: int) -> InProcessSimulator:
    return InProcessSimulator(
        SimulatorConfig(
            orgs=orgs,
            projects=projects,
            components=components,
            seed=seed,
            endpoints=2,
            token=SIMULATOR_TOKEN,
        )
    )


@pytest.mark.parametrize(("orgs", "projects", "components", "seed", "chunk"), SHAPES)
async def test_cycle_yields_exactly_the_expected_entities(
    orgs: int, projects: int, components: int, seed: int, chunk: int
) -> None:
    with simulator(orgs, projects, components, seed) as sim:
        provider, clients = provider_for(sim, chunkSize=chunk)
        cycle = await run_cycle(provider)
        dataset = sim.admin.dataset()
    assert mismatches(expected(dataset), cycle.entities) == []
    assert not cycle.degraded
    minimum = minimum_requests(dataset, chunk)
    assert minimum <= clients.requests <= 1.02 * minimum, clients.by_endpoint()


@pytest.mark.parametrize("details", ["services", "all", "none"])
async def test_details_policy(details: str) -> None:
    with simulator(2, 2, 10, 21) as sim:
        provider, clients = provider_for(sim, fetchComponentDetails=details)
        cycle = await run_cycle(provider)
        dataset = sim.admin.dataset()
    want = expected(dataset, details=details)
    assert mismatches(want, cycle.entities) == []
    assert clients.requests == minimum_requests(dataset, 5, details)
    sourced = [
        e
        for e in cycle.entities.values()
        if e["kind"] == "Component"
        and "backstage.io/source-location" in e["metadata"]["annotations"]
    ]
    if details == "none":
        assert sourced == []
    else:
        assert sourced
        assert (len(sourced) > want.services) == (details == "all")


async def test_resuming_at_every_page_refetches_each_held_page_once() -> None:
    """A new burst (or process) per page: same set; only held pages are fetched again.

    Paced bursts (with no delay) so no look-ahead is thrown away at each burst's end.
    """
    with simulator(2, 3, 12, 7) as sim:
        provider, clients = provider_for(sim, batchDelayMs=0)
        cycle = await run_cycle(provider, resume_every_page=True, paced=True)
        dataset = sim.admin.dataset()
    assert mismatches(expected(dataset), cycle.entities) == []
    minimum = minimum_requests(dataset, 5)
    # per burst at most: the organization page and the project page read again, and the
    # pipeline once more when a project page is re-read
    assert clients.requests <= minimum + 3 * cycle.pages


async def test_cursor_stays_small_with_2000_projects() -> None:
    """The cursor holds positions and tokens only: 2,000 projects per organization, three
    levels of continue tokens (chunk size 2), and it stays well under 1 KB, not growing."""
    with simulator(3, 2000, 3, 4) as sim:
        provider, _ = provider_for(sim, chunkSize=2, fetchComponentDetails="none")
        sizes = await first_cursor_sizes(provider, 800)
        await provider.aclose()
    assert max(sizes) < 700
    assert max(sizes[400:]) <= max(sizes[:400]) + 8


async def first_cursor_sizes(
    provider: OpenChoreoIncrementalEntityProvider, pages: int
) -> list[int]:
    sizes = []
    cursor: Any = None
    async with provider.around(Burst(paced=False)) as context:
        for _ in range(pages):
            result = await provider.next(context, cursor)
            assert not result.done
            cursor = result.cursor
            sizes.append(len(json.dumps(cursor)))
    return sizes


async def test_run_once_bursts_back_to_back_hand_their_context_on() -> None:
    """A run-once cycle in many bursts (a page each) re-fetches nothing and wastes nothing:
    each burst adopts the context (pages, look-ahead, client) the one before left."""
    with simulator(2, 3, 12, 7) as sim:
        provider, clients = provider_for(sim)
        cycle = await run_cycle(provider, resume_every_page=True, paced=False)
        dataset = sim.admin.dataset()
        await provider.aclose()
    assert mismatches(expected(dataset), cycle.entities) == []
    assert clients.requests == minimum_requests(dataset, 5)
    assert len(clients.made) == 1


async def test_a_context_left_by_a_burst_is_closed_if_no_burst_adopts_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(incremental, "PARK_SECONDS", 0.05)
    with simulator(1, 2, 4, 3) as sim:
        provider, clients = provider_for(sim)
        closed = asyncio.Event()
        async with provider.around(Burst(paced=False)) as context:
            client = clients.made[0]
            close = client.aclose

            async def aclose() -> None:
                await close()
                closed.set()

            client.aclose = aclose  # type: ignore[method-assign]
            await provider.next(context, None)
        assert not client.is_closed
        async with asyncio.timeout(5):
            await closed.wait()
        assert client.is_closed

        async with provider.around(Burst(paced=False)) as context:
            await provider.next(context, None)
        assert not clients.made[1].is_closed
        await provider.aclose()
        assert clients.made[1].is_closed


async def test_second_cycle_after_changes_sees_exactly_the_new_platform() -> None:
    with simulator(3, 3, 6, 19) as sim:
        provider, _ = provider_for(sim)
        first_cycle = await run_cycle(provider)
        before = sim.admin.dataset()
        assert mismatches(expected(before), first_cycle.entities) == []
        orgs = before["orgs"]
        kept = orgs[1]
        org, project = kept["org"]["name"], kept["projects"][0]["project"]["name"]
        components = kept["projects"][0]["components"]
        service = next(c for c in components[2:] if c["type"] == "deployment/service")
        sim.admin.remove_org(orgs[0]["org"]["name"])
        sim.admin.add_org("org-0500-fresh", projects=2, components=3)
        sim.admin.update_org(org, displayName="Renamed")
        sim.admin.remove_project(org, kept["projects"][1]["project"]["name"])
        sim.admin.add_project(org, "proj-0400-new", components=2)
        sim.admin.remove_component(org, project, components[0]["name"])
        sim.admin.add_component(org, project, "comp-0300-added")
        sim.admin.update_component(
            org, project, components[1]["name"], type="cronjob/scheduled-task"
        )
        sim.admin.set_endpoints(
            org, project, service["name"], {"only": {"type": "GraphQL", "port": 4000}}
        )
        second_cycle = await run_cycle(provider)
        after = sim.admin.dataset()
    assert mismatches(expected(after), second_cycle.entities) == []
    assert f"api:{org}/{service['name']}-only" in second_cycle.entities
    assert second_cycle.entities[f"domain:default/{org}"]["metadata"]["title"] == "Renamed"
    assert set(second_cycle.entities) != set(first_cycle.entities)
