"""The BFF on a minimal app against the session simulator, and the simulator's ground truth.

``bff(page_size=1, timeout=…, fast=False)`` builds an app from the app factory with only the
BFF router added, pointed at the simulator through ``openchoreo.*`` settings (so the client is
built as in production); ``fast=True`` swaps in a client whose retries wait milliseconds, for
tests of failures. ``truth`` reads the simulator's own generators, not its HTTP API.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from openchoreo_catalog.api.bff import bff_router
from openchoreo_catalog.config import Settings, settings_from_mapping
from openchoreo_catalog.db import Database
from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.simulator import InProcessSimulator
from tests.fixtures.app import client_for
from tests.simulator_fixtures import SIMULATOR_TOKEN, fast_client

MakeBff = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


def bff_settings(sim: InProcessSimulator, page_size: int) -> Settings:
    return settings_from_mapping(
        {
            "openchoreo": {
                "baseUrl": sim.base_url,
                "token": SIMULATOR_TOKEN,
                "incremental": {"chunkSize": page_size},
            }
        }
    )


@pytest.fixture
def bff(simulator: InProcessSimulator, sqlite_database: Database) -> MakeBff:
    @asynccontextmanager
    async def make(
        page_size: int = 1,
        *,
        timeout: float = 30.0,
        fast: bool = False,
        concurrency: int = 8,
        sim: InProcessSimulator | None = None,
    ) -> AsyncIterator[httpx.AsyncClient]:
        target = sim or simulator

        def factory(settings: Settings) -> OpenChoreoClient:
            if fast:
                return fast_client(target.base_url, page_size=page_size, max_retries=1)
            return OpenChoreoClient.from_settings(settings.openchoreo)

        router = bff_router(factory, timeout=timeout, concurrency=concurrency)
        async with client_for(
            sqlite_database, settings=bff_settings(target, page_size), routers=[router]
        ) as client:
            yield client

    return make


def pages_per_list(sim: InProcessSimulator) -> Counter[str]:
    """How many page requests each list path got since the last reset (continue pages too)."""
    recent = sim.admin.requests()["recent"]
    return Counter(r["path"] for r in recent if "limit=" in r["query"] and r["status"] == 200)


def continued(sim: InProcessSimulator) -> set[str]:
    """List paths that were read past their first page."""
    recent = sim.admin.requests()["recent"]
    return {r["path"] for r in recent if "continue=" in r["query"] and r["status"] == 200}


def truth(sim: InProcessSimulator) -> list[dict[str, Any]]:
    """The simulator's organizations, each with its projects and their components."""
    return sim.admin.dataset()["orgs"]  # type: ignore[no-any-return]


def components(sim: InProcessSimulator) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (organization, project, component item) of the simulator."""
    return [
        (org["org"]["name"], project["project"]["name"], component)
        for org in truth(sim)
        for project in org["projects"]
        for component in project["components"]
    ]
