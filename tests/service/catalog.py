"""Reading the catalog the way a client does, and comparing it with the simulator's data."""

from __future__ import annotations

from typing import Any

import httpx

from openchoreo_catalog.catalog import entity_ref
from openchoreo_catalog.simulator import AdminClient
from tests.providers.oracle import expected, mismatches
from tests.service.harness import PROVIDER


def entities(client: httpx.Client) -> dict[str, dict[str, Any]]:
    """Every entity the API serves, by canonical ref."""
    response = client.get("/api/catalog/entities")
    response.raise_for_status()
    return {entity_ref(entity): entity for entity in response.json()}


def provider_entities(client: httpx.Client) -> dict[str, dict[str, Any]]:
    location = f"provider:{PROVIDER}"
    return {
        ref: entity
        for ref, entity in entities(client).items()
        if entity["metadata"].get("annotations", {}).get("backstage.io/managed-by-location")
        == location
    }


def problems(client: httpx.Client, admin: AdminClient) -> list[str]:
    """How the served catalog differs from what the simulator holds (empty when equal)."""
    return mismatches(expected(admin.dataset()), provider_entities(client))


def detail(client: httpx.Client) -> dict[str, Any]:
    response = client.get(f"/api/catalog/incremental/providers/{PROVIDER}")
    response.raise_for_status()
    data: dict[str, Any] = response.json()["data"]
    return data


def resting(client: httpx.Client, after: str | None = None) -> dict[str, Any] | None:
    """The provider's detail once a cycle other than ``after`` has completed and rests."""
    found = detail(client)
    current = found.get("current") or {}
    if current.get("nextAction") == "rest" and current.get("id") != after:
        return found
    return None
