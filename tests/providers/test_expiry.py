"""Expired continue tokens (HTTP 410) at every level: the exact set, nothing lost or removed.

Only the level that expired is listed again, skipping what was finished there; the walk
never restarts, and it progresses even when every token expires between any two pages.
"""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest

from openchoreo_catalog.providers.openchoreo.metrics import COUNTS
from openchoreo_catalog.simulator import InProcessSimulator, SimulatorConfig
from tests.providers.driver import run_cycle
from tests.providers.helpers import provider_for
from tests.providers.oracle import expected, mismatches
from tests.simulator_fixtures import SIMULATOR_TOKEN

CONFIG = SimulatorConfig(
    orgs=3, projects=4, components=7, seed=17, endpoints=2, token=SIMULATOR_TOKEN
)


@pytest.fixture
def sim() -> Any:
    with InProcessSimulator(CONFIG) as server:
        yield server


LEVELS = {
    "orgs": r"/orgs$",
    "environments": r"/environments$",
    "dataplanes": r"/dataplanes$",
    "component-types": r"/component-types$",
    "projects": r"/projects$",
    "components": r"/components$",
}


@pytest.mark.parametrize("level", list(LEVELS))
async def test_repeated_expiry_at_one_level(sim: InProcessSimulator, level: str) -> None:
    sim.admin.add_fault("expire", match=LEVELS[level], every=2, times=3)
    before = COUNTS["expired"]
    provider, _ = provider_for(sim, chunkSize=1)
    cycle = await run_cycle(provider)
    assert mismatches(expected(sim.admin.dataset()), cycle.entities) == []
    assert not cycle.degraded
    assert COUNTS["expired"] > before


async def test_continuations_expire_at_every_level_at_once(sim: InProcessSimulator) -> None:
    """One rule per level, all active together, several expiries each."""
    for pattern in LEVELS.values():
        sim.admin.add_fault("expire", match=pattern, every=3, times=4)
    provider, _ = provider_for(sim, chunkSize=2)
    cycle = await run_cycle(provider)
    assert mismatches(expected(sim.admin.dataset()), cycle.entities) == []
    assert not cycle.degraded


@pytest.mark.parametrize("resume", [False, True], ids=["one-burst", "burst-per-page"])
async def test_all_tokens_expire_between_any_two_pages(
    sim: InProcessSimulator, resume: bool
) -> None:
    """Every token the walk holds is dead when it is next used, including the tokens of the
    pages to re-read after a resume; still exact, and still finite."""
    provider, _ = provider_for(sim, chunkSize=2, batchDelayMs=0)
    before = COUNTS["expired"]
    cycle = await run_cycle(
        provider,
        resume_every_page=resume,
        paced=resume,
        between=lambda _: sim.admin.expire_tokens(),
        max_pages=2_000,
    )
    assert mismatches(expected(sim.admin.dataset()), cycle.entities) == []
    assert not cycle.degraded
    assert COUNTS["expired"] > before


async def test_changes_during_a_walk_with_expiry_lose_nothing_that_exists(
    sim: InProcessSimulator,
) -> None:
    """Items added before the position after a re-list are the next cycle's business; items
    that exist throughout are never lost."""
    dataset_before = sim.admin.dataset()
    provider, _ = provider_for(sim, chunkSize=2)
    org = dataset_before["orgs"][1]["org"]["name"]
    project = dataset_before["orgs"][1]["projects"][0]["project"]["name"]
    changed = False

    def change(page: int) -> None:
        nonlocal changed
        if page == 5 and not changed:
            sim.admin.add_component(org, project, "comp-9999-late", endpoints={})
            sim.admin.expire_tokens()
            changed = True

    cycle = await run_cycle(provider, between=change)
    lasting = expected(dataset_before).refs
    assert lasting <= set(cycle.entities)


class ReversingTransport(httpx.AsyncBaseTransport):
    """Serves the items of matching list pages in reverse: a listing out of name order."""

    def __init__(self, suffix: str) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self._suffix = suffix

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if not request.url.path.endswith(self._suffix) or response.status_code != 200:
            return response
        body = orjson.loads(await response.aread())
        body["data"]["items"] = list(reversed(body["data"]["items"]))
        return httpx.Response(
            200, headers={"content-type": "application/json"}, content=orjson.dumps(body)
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.mark.parametrize("suffix", ["/components", "/projects", "/orgs"])
async def test_out_of_order_listing_is_walked_in_full_after_expiry(
    sim: InProcessSimulator, suffix: str
) -> None:
    sim.admin.add_fault("expire", match=suffix + "$", every=2, times=3)
    before = COUNTS["unordered"]
    provider, _ = provider_for(
        sim, chunkSize=3, client_options={"transport": ReversingTransport(suffix)}
    )
    cycle = await run_cycle(provider, max_pages=5_000)
    assert mismatches(expected(sim.admin.dataset()), cycle.entities) == []
    assert COUNTS["unordered"] > before
