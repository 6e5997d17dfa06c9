"""Upstream failures become clear answers naming the OpenChoreo endpoint (502, 504, 404, 410),
never a partial list and never a 500; bad query parameters are 400s."""

from __future__ import annotations

import socket

import httpx
import pytest

from openchoreo_catalog.simulator import InProcessSimulator
from tests.bff.conftest import MakeBff, components, truth
from tests.fixtures.app import client_for

BASE = "/api/openchoreo"
COMPONENT_ROUTES = ["/component-traits", "/environments", "/dashboard", "/builds"]


def component_query(sim: InProcessSimulator) -> dict[str, str]:
    org, project, component = components(sim)[0]
    return {"organizationName": org, "projectName": project, "componentName": component["name"]}


def error_of(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert body["response"] == {"statusCode": response.status_code}
    return body["error"]  # type: ignore[no-any-return]


async def test_a_failing_continue_page_is_a_502_naming_the_endpoint_not_a_short_list(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    query = component_query(simulator)
    org = query["organizationName"]
    simulator.admin.add_fault("error", match="/environments$", on="continue", status=503)
    async with bff(fast=True) as client:
        response = await client.get(f"{BASE}/environments", params=query)
    assert response.status_code == 502
    error = error_of(response)
    assert error["name"] == "BadGatewayError"
    assert f"GET /api/v1/orgs/{org}/environments" in error["message"]
    assert "503" in error["message"]


async def test_every_route_answers_502_when_openchoreo_is_down(
    simulator: InProcessSimulator, sqlite_database: object
) -> None:
    from openchoreo_catalog.api.bff import bff_router
    from tests.bff.conftest import bff_settings
    from tests.simulator_fixtures import fast_client

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/api/v1"
    router = bff_router(lambda _s: fast_client(dead, max_retries=0))
    query = component_query(simulator)
    routes = [(r, query) for r in COMPONENT_ROUTES] + [
        ("/traits", {"organizationName": "acme"}),
        ("/cell-diagram", {"organizationName": "acme", "projectName": "p"}),
        ("/platform/environments", {}),
        ("/platform/dataplanes", {}),
        ("/platform/summary", {"organizationName": "acme"}),
        ("/organizations", {}),
    ]
    async with client_for(
        sqlite_database,  # type: ignore[arg-type]
        settings=bff_settings(simulator, 1),
        routers=[router],
    ) as client:
        for route, params in routes:
            response = await client.get(BASE + route, params=params)
            assert response.status_code == 502, route
            message = error_of(response)["message"]
            assert message.startswith("OpenChoreo request failed: GET /api/v1/orgs"), message
            assert "no response after 1 attempt" in message


async def test_a_stalled_listing_is_a_502_not_a_loop(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    query = component_query(simulator)
    simulator.admin.add_fault("stall", match="/release-bindings$", on="continue")
    async with bff(fast=True) as client:
        response = await client.get(f"{BASE}/environments", params=query)
    assert response.status_code == 502
    message = error_of(response)["message"]
    assert "/release-bindings" in message
    assert "not advancing" in message


async def test_an_unknown_organization_is_a_404_from_openchoreo(bff: MakeBff) -> None:
    async with bff(fast=True) as client:
        response = await client.get(f"{BASE}/traits", params={"organizationName": "nope"})
        summary = await client.get(f"{BASE}/platform/summary", params={"organizationName": "nope"})
    for answer in (response, summary):
        assert answer.status_code == 404
        message = error_of(answer)["message"]
        assert "GET /api/v1/orgs/nope" in message
        assert "ORGANIZATION_NOT_FOUND" in message


async def test_a_slow_openchoreo_is_a_504_within_the_time_budget(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    simulator.admin.add_fault("latency", match="/release-bindings$", ms=3000)
    async with bff(fast=True, timeout=0.4) as client:
        response = await client.get(f"{BASE}/environments", params=component_query(simulator))
    assert response.status_code == 504
    error = error_of(response)
    assert error["name"] == "GatewayTimeoutError"
    assert "within 0.4 s" in error["message"]


async def test_continue_tokens_passed_through_invalid_400_expired_410(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    org = truth(simulator)[0]["org"]["name"]
    query = {"organizationName": org, "limit": "1"}
    async with bff(fast=True) as client:
        bad = await client.get(f"{BASE}/traits", params={**query, "continue": "garbage"})
        first = (await client.get(f"{BASE}/traits", params=query)).json()
        simulator.admin.expire_tokens()
        token = first["metadata"]["continue"]
        gone = await client.get(f"{BASE}/traits", params={**query, "continue": token})
    assert bad.status_code == 400
    assert "continue token" in error_of(bad)["message"]
    assert gone.status_code == 410
    assert "start again from the first page" in error_of(gone)["message"]


async def test_a_walk_whose_token_expires_midway_is_walked_again(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    simulator.admin.add_fault("expire", match="/environments$", times=1)
    query = component_query(simulator)
    async with bff(fast=True) as client:
        response = await client.get(f"{BASE}/environments", params=query)
    assert response.status_code == 200
    org = next(o for o in truth(simulator) if o["org"]["name"] == query["organizationName"])
    assert len(response.json()) == len(org["environments"])


async def test_malformed_answers_are_a_502(bff: MakeBff, simulator: InProcessSimulator) -> None:
    simulator.admin.add_fault("malformed_json", match="/traits$")
    org = truth(simulator)[0]["org"]["name"]
    async with bff(fast=True) as client:
        response = await client.get(f"{BASE}/traits", params={"organizationName": org})
    assert response.status_code == 502
    assert f"GET /api/v1/orgs/{org}/traits" in error_of(response)["message"]


async def test_one_failing_component_fails_the_summary_instead_of_undercounting(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    _org, _project, component = components(simulator)[3]
    simulator.admin.add_fault("error", match=f"/{component['name']}/release-bindings$", status=500)
    async with bff(fast=True) as client:
        response = await client.get(
            f"{BASE}/platform/summary", params={"organizationName": component["orgName"]}
        )
    assert response.status_code == 502
    assert f"{component['name']}/release-bindings" in error_of(response)["message"]


@pytest.mark.parametrize(
    ("route", "params", "complaint"),
    [
        ("/traits", {}, "organizationName is a required query parameter"),
        ("/traits", {"organizationName": " "}, "organizationName is a required"),
        ("/traits", {"organizationName": "domain:default/"}, "names no organization"),
        ("/traits", {"organizationName": "a", "limit": "abc"}, "Invalid limit, not an integer"),
        ("/traits", {"organizationName": "a", "limit": "0"}, "Invalid limit, must be 1"),
        ("/traits", {"organizationName": "a", "limit": "-5"}, "Invalid limit, must be 1"),
        ("/traits", {"organizationName": "a", "limit": "1.5"}, "Invalid limit, not an integer"),
        ("/traits", {"organizationName": "x" * 300}, "longer than 253"),
        ("/trait-schema", {"organizationName": "a"}, "traitName is a required"),
        ("/component-traits", {"organizationName": "a"}, "projectName is a required"),
        ("/environments", {"organizationName": "a", "projectName": "p"}, "componentName"),
        ("/dashboard", {"projectName": "p", "componentName": "c"}, "organizationName"),
        ("/builds", {"organizationName": "a", "componentName": "c"}, "projectName"),
        ("/cell-diagram", {"organizationName": "a"}, "projectName is a required"),
        ("/platform/summary", {}, "organizationName is a required"),
    ],
)
async def test_bad_parameters_are_400(
    bff: MakeBff, route: str, params: dict[str, str], complaint: str
) -> None:
    async with bff(fast=True) as client:
        response = await client.get(BASE + route, params=params)
    assert response.status_code == 400
    error = error_of(response)
    assert error["name"] == "InputError"
    assert complaint in error["message"]


async def test_a_repeated_parameter_is_400_and_a_huge_limit_is_clamped(
    bff: MakeBff, simulator: InProcessSimulator
) -> None:
    org = truth(simulator)[0]["org"]["name"]
    async with bff(fast=True) as client:
        twice = await client.get(f"{BASE}/traits?organizationName={org}&organizationName={org}")
        huge = await client.get(f"{BASE}/traits", params={"organizationName": org, "limit": "9999"})
    assert twice.status_code == 400
    assert huge.status_code == 200
    sent = [
        r["query"] for r in simulator.admin.requests()["recent"] if r["path"].endswith("/traits")
    ]
    assert sent == ["limit=512"]
