"""A :class:`Service` in this process, for route and inbox tests (no child processes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from openchoreo_catalog.config import Settings, settings_from_mapping
from openchoreo_catalog.db import Database
from openchoreo_catalog.service import Service, ServiceOptions
from tests.fixtures.app import app_client
from tests.service.harness import API_TOKEN
from tests.simulator_fixtures import SIMULATOR_TOKEN, fast_client


def service_settings(base_url: str, *, mode: str = "incremental", **backend: Any) -> Settings:
    return settings_from_mapping(
        {
            "openchoreo": {
                "baseUrl": base_url,
                "token": SIMULATOR_TOKEN,
                "mode": mode,
                "incremental": {"chunkSize": 50, "batchDelayMs": 0, "backoff": [1]},
            },
            "backend": {
                "auth": {
                    "externalAccess": [
                        {"type": "static", "options": {"token": API_TOKEN, "subject": "t"}}
                    ]
                },
                **backend,
            },
        }
    )


def in_process(db: Database, base_url: str, **settings: Any) -> Service:
    options = ServiceOptions(client_factory=lambda: fast_client(base_url), replica="tests")
    return Service(service_settings(base_url, **settings), db, options=options, owns_database=False)


@asynccontextmanager
async def running(
    service: Service, *, background: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    """The service's app in process (its lifespan runs the background work if asked)."""
    try:
        async with app_client(service.app(background=background)) as client:
            yield client
    finally:
        await service.aclose()
