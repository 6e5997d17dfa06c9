"""Building providers against a simulator, and the fewest requests a cycle can make."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from openchoreo_catalog.config import OpenChoreoSettings
from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.providers.openchoreo.incremental import (
    OpenChoreoIncrementalEntityProvider,
)
from openchoreo_catalog.simulator import InProcessSimulator
from tests.providers.oracle import is_service
from tests.simulator_fixtures import SIMULATOR_TOKEN, fast_client


@dataclass
class Clients:
    """Every client the provider made, so tests can add up the requests."""

    made: list[OpenChoreoClient] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(client.stats.total_requests for client in self.made)

    def by_endpoint(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for client in self.made:
            for endpoint, count in client.stats.requests.items():
                totals[endpoint] = totals.get(endpoint, 0) + count
        return totals


def settings_for(sim: InProcessSimulator, **incremental: Any) -> OpenChoreoSettings:
    return OpenChoreoSettings.model_validate(
        {
            "baseUrl": sim.base_url,
            "token": SIMULATOR_TOKEN,
            "incremental": {"chunkSize": 5, **incremental},
        }
    )


def provider_for(
    sim: InProcessSimulator, *, client_options: dict[str, Any] | None = None, **incremental: Any
) -> tuple[OpenChoreoIncrementalEntityProvider, Clients]:
    clients = Clients()
    options = client_options or {}

    def factory() -> OpenChoreoClient:
        client = fast_client(sim.base_url, **options)
        clients.made.append(client)
        return client

    provider = OpenChoreoIncrementalEntityProvider(
        settings_for(sim, **incremental), client_factory=factory
    )
    return provider, clients


def minimum_requests(dataset: dict[str, Any], page_size: int, details: str = "services") -> int:
    """Requests no walk can do without: every list page, each schema, each distinct
    pipeline (one project's fetch serves every project naming it), each wanted detail."""
    pages = lambda n: max(1, math.ceil(n / page_size))  # noqa: E731 - an empty list is a page
    total = pages(len(dataset["orgs"]))
    for entry in dataset["orgs"]:
        total += pages(len(entry["environments"])) + pages(len(entry["dataplanes"]))
        total += pages(len(entry["componentTypes"])) + len(entry["componentTypes"])
        total += pages(len(entry["projects"]))
        total += len({p["project"].get("deploymentPipeline") for p in entry["projects"]})
        for project in entry["projects"]:
            total += pages(len(project["components"]))
            if details == "all":
                total += len(project["components"])
            elif details == "services":
                total += sum(1 for c in project["components"] if is_service(c["type"]))
    return total
