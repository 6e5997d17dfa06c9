"""The simulator's wire behaviour, read raw (no client): the real server's bodies and rules."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from openchoreo_catalog.simulator import InProcessSimulator
from openchoreo_catalog.simulator.errors import EXPIRED_MESSAGE
from tests.simulator_fixtures import SIMULATOR_TOKEN


@pytest.fixture
async def http(simulator: InProcessSimulator) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {SIMULATOR_TOKEN}"}
    async with httpx.AsyncClient(base_url=simulator.base_url, headers=headers) as client:
        yield client


def a_component(simulator: InProcessSimulator) -> tuple[str, str, dict[str, Any]]:
    org = simulator.admin.dataset()["orgs"][0]
    project = org["projects"][0]
    return org["org"]["name"], project["project"]["name"], project["components"][0]


@pytest.mark.parametrize(
    ("limit", "message"),
    [
        ("0", "limit 0 out of range [1, 512]"),
        ("-2", "limit -2 out of range [1, 512]"),
        ("abc", "limit must be a valid integer"),
        ("1.5", "limit must be a valid integer"),
    ],
)
async def test_a_bad_limit_is_400_invalid_input(
    http: httpx.AsyncClient, limit: str, message: str
) -> None:
    response = await http.get("/orgs", params={"limit": limit})
    assert response.status_code == 400
    assert response.json() == {"success": False, "error": message, "code": "INVALID_INPUT"}


async def test_limits_default_to_100_and_clamp_at_512(
    simulator: InProcessSimulator, http: httpx.AsyncClient
) -> None:
    org = simulator.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    simulator.admin.add_project(org, "big", components=600)
    path = f"/orgs/{org}/projects/big/components"
    default = (await http.get(path)).json()["data"]
    clamped = (await http.get(path, params={"limit": 1000})).json()["data"]
    assert len(default["items"]) == 100
    assert len(clamped["items"]) == 512
    assert clamped["metadata"]["hasMore"] is True
    rest = await http.get(path, params={"limit": 512, "continue": clamped["metadata"]["continue"]})
    last = rest.json()["data"]
    assert len(last["items"]) == 88
    assert last["metadata"] == {
        "resourceVersion": clamped["metadata"]["resourceVersion"],
        "hasMore": False,
    }


async def test_token_errors_have_the_real_bodies(
    simulator: InProcessSimulator, http: httpx.AsyncClient
) -> None:
    bad = await http.get("/orgs", params={"limit": 1, "continue": "%%%"})
    assert bad.status_code == 400
    assert bad.json() == {
        "success": False,
        "error": "Invalid continue token provided",
        "code": "INVALID_CONTINUE_TOKEN",
    }
    first = (await http.get("/orgs", params={"limit": 1})).json()["data"]["metadata"]
    simulator.admin.expire_tokens()
    gone = await http.get("/orgs", params={"limit": 1, "continue": first["continue"]})
    assert gone.status_code == 410
    assert gone.json() == {
        "success": False,
        "error": EXPIRED_MESSAGE,
        "code": "CONTINUE_TOKEN_EXPIRED",
    }
    assert (
        EXPIRED_MESSAGE == "Continue token has expired. Please restart listing from the beginning."
    )


async def test_list_items_carry_no_workload_and_single_gets_add_it_on_request(
    simulator: InProcessSimulator, http: httpx.AsyncClient
) -> None:
    org, project, component = a_component(simulator)
    base = f"/orgs/{org}/projects/{project}/components"
    listed = (await http.get(base)).json()["data"]["items"]
    assert all("workload" not in c and "componentWorkflow" not in c for c in listed)
    plain = (await http.get(f"{base}/{component['name']}")).json()["data"]
    assert "workload" not in plain
    full = (await http.get(f"{base}/{component['name']}", params={"include": "workload"})).json()
    workload = full["data"]["workload"]
    assert set(workload) == {"owner", "containers", "endpoints", "connections"}
    for endpoint in workload["endpoints"].values():
        assert set(endpoint) <= {"type", "port", "schema"}
        assert set(endpoint.get("schema", {})) <= {"type", "content"}


async def test_bindings_use_an_environment_cursor_and_no_resource_version(
    simulator: InProcessSimulator, http: httpx.AsyncClient
) -> None:
    org, project, component = a_component(simulator)
    path = f"/orgs/{org}/projects/{project}/components/{component['name']}/bindings"
    first = (await http.get(path, params={"limit": 1})).json()["data"]
    environment = first["items"][0]["environment"]
    assert first["metadata"] == {
        "resourceVersion": "",
        "continue": f"env:{environment}",
        "hasMore": True,
    }
    second = (await http.get(path, params={"limit": 1, "continue": f"env:{environment}"})).json()
    assert second["data"]["items"][0]["environment"] > environment
    bad = await http.get(path, params={"continue": "staging"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "INVALID_CONTINUE_TOKEN"


async def test_every_page_of_a_listing_has_the_first_pages_resource_version(
    simulator: InProcessSimulator, http: httpx.AsyncClient
) -> None:
    org, project, _ = a_component(simulator)
    path = f"/orgs/{org}/projects/{project}/components"
    versions, token = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"continue": token} if token else {})}
        metadata = (await http.get(path, params=params)).json()["data"]["metadata"]
        versions.append(metadata["resourceVersion"])
        simulator.admin.add_component(org, project, f"zz-added-{len(versions)}")
        token = metadata.get("continue")
        if not token:
            break
    assert len(versions) > 3
    assert len(set(versions)) == 1


async def test_health_ready_and_unknown_paths(simulator: InProcessSimulator) -> None:
    async with httpx.AsyncClient(base_url=simulator.url) as http:
        for path in ("/health", "/ready"):
            response = await http.get(path)
            assert (response.status_code, response.text) == (200, "OK")
        missing = await http.get("/api/v1/nothing-here")
        assert missing.status_code == 404
        assert missing.json()["code"] == "NOT_FOUND"
        unauthorized = await http.get("/api/v1/orgs")
        assert unauthorized.status_code == 401
        assert unauthorized.json() == {
            "success": False,
            "error": "Authentication required",
            "code": "UNAUTHORIZED",
        }


async def test_a_dropped_connection_sends_nothing(
    simulator: InProcessSimulator, http: httpx.AsyncClient
) -> None:
    simulator.admin.add_fault("drop", match="^/api/v1/orgs$", times=1)
    with pytest.raises(httpx.RemoteProtocolError):
        await http.get("/orgs")
    assert (await http.get("/orgs")).status_code == 200


async def test_latency_is_added(simulator: InProcessSimulator, http: httpx.AsyncClient) -> None:
    import time

    simulator.admin.add_fault("latency", match="^/api/v1/orgs$", ms=150)
    started = time.monotonic()
    await http.get("/orgs")
    assert time.monotonic() - started >= 0.15
