"""Errors name the endpoint, the status and the server's code; bad responses are protocol
errors that say what was wrong where; the bearer token never shows up anywhere."""

from __future__ import annotations

import logging

import httpx
import pytest

from openchoreo_catalog.openchoreo import (
    OpenChoreoAuthError,
    OpenChoreoClient,
    OpenChoreoError,
    OpenChoreoNotFound,
    OpenChoreoProtocolError,
)
from openchoreo_catalog.pagination import PaginationError
from openchoreo_catalog.simulator import InProcessSimulator
from tests.simulator_fixtures import SIMULATOR_TOKEN, fast_client


def names(simulator: InProcessSimulator) -> tuple[str, str, str]:
    org = simulator.admin.dataset()["orgs"][0]
    project = org["projects"][0]
    return org["org"]["name"], project["project"]["name"], project["components"][0]["name"]


async def test_malformed_json_is_a_protocol_error_naming_the_endpoint(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    org, project, _ = names(simulator)
    simulator.admin.add_fault("malformed_json", match="/components$")

    with pytest.raises(OpenChoreoProtocolError) as caught:
        await openchoreo_client.all_components(org, project)

    message = str(caught.value)
    assert message.startswith(f"GET /api/v1/orgs/{org}/projects/{project}/components: HTTP 200")
    assert "not valid JSON" in message
    assert caught.value.endpoint == f"GET /api/v1/orgs/{org}/projects/{project}/components"


async def test_a_wrong_field_type_names_the_field_and_the_item(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    simulator.admin.add_fault("wrong_type", match="^/api/v1/orgs$", field="createdAt")

    with pytest.raises(OpenChoreoProtocolError) as caught:
        await openchoreo_client.all_orgs()

    message = str(caught.value)
    assert message.startswith("GET /api/v1/orgs: HTTP 200")
    assert "data.items[0].createdAt" in message
    assert "valid string" in message
    first = simulator.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    assert first in message


async def test_a_wrong_type_in_a_single_resource_is_a_protocol_error(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    org, _, _ = names(simulator)
    simulator.admin.add_fault("wrong_type", match=f"/orgs/{org}$", field="name")
    with pytest.raises(OpenChoreoProtocolError, match=r"data\.name: Input should be a valid"):
        await openchoreo_client.get_org(org)


async def test_a_missing_required_field_is_a_protocol_error(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    org, project, component = names(simulator)
    simulator.admin.update_component(org, project, component, type=None)
    with pytest.raises(OpenChoreoProtocolError, match=r"data\.items\[0\]\.type"):
        await openchoreo_client.list_components(org, project)


async def test_wrong_page_metadata_is_a_malformed_page() -> None:
    body = {"success": True, "data": {"items": [], "metadata": {"hasMore": "yes"}}}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    async with OpenChoreoClient("http://x/api/v1", transport=transport) as client:
        with pytest.raises(PaginationError, match=r"GET /api/v1/orgs: 'metadata.hasMore'"):
            await client.list_orgs()


async def test_a_missing_field_is_reported_as_missing() -> None:
    body = {"success": True, "data": {"name": "acme"}}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    async with OpenChoreoClient("http://x/api/v1", transport=transport) as client:
        with pytest.raises(OpenChoreoProtocolError, match=r"data\.createdAt: Field required"):
            await client.get_org("acme")


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda c, o, p, n: c.get_org("nope"), "ORGANIZATION_NOT_FOUND"),
        (lambda c, o, p, n: c.list_projects("nope"), "ORGANIZATION_NOT_FOUND"),
        (lambda c, o, p, n: c.list_components(o, "nope"), "PROJECT_NOT_FOUND"),
        (lambda c, o, p, n: c.get_deployment_pipeline(o, "nope"), "PROJECT_NOT_FOUND"),
        (lambda c, o, p, n: c.get_component(o, p, "nope"), "COMPONENT_NOT_FOUND"),
        (lambda c, o, p, n: c.list_bindings(o, p, "nope"), "COMPONENT_NOT_FOUND"),
        (lambda c, o, p, n: c.get_component_type_schema(o, "nope"), "COMPONENT_TYPE_NOT_FOUND"),
        (lambda c, o, p, n: c.get_trait_schema(o, "nope"), "TRAIT_NOT_FOUND"),
        (lambda c, o, p, n: c.get_workflow_schema(o, "nope"), "WORKFLOW_NOT_FOUND"),
    ],
)
async def test_not_found_carries_the_servers_code(
    simulator: InProcessSimulator,
    openchoreo_client: OpenChoreoClient,
    call,
    code: str,  # type: ignore[no-untyped-def]
) -> None:
    org, project, component = names(simulator)
    with pytest.raises(OpenChoreoNotFound) as caught:
        await call(openchoreo_client, org, project, component)
    assert caught.value.status == 404
    assert caught.value.code == code
    assert f"HTTP 404 {code}" in str(caught.value)
    assert str(caught.value).startswith("GET /api/v1/orgs/")


@pytest.mark.parametrize("token", [None, "wrong-token-123"])
async def test_a_missing_or_wrong_token_is_an_auth_error(
    simulator: InProcessSimulator, token: str | None
) -> None:
    async with fast_client(simulator.base_url, token=token) as client:
        with pytest.raises(OpenChoreoAuthError) as caught:
            await client.list_orgs()
    assert caught.value.status == 401
    assert caught.value.code == "UNAUTHORIZED"
    assert simulator.admin.requests()["recent"][0]["auth"] == (
        "missing" if token is None else "wrong"
    )


async def test_the_bearer_token_is_sent_on_every_request(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    org, project, component = names(simulator)
    await openchoreo_client.all_orgs(limit=1)
    await openchoreo_client.get_component(org, project, component)
    recent = simulator.admin.requests()["recent"]
    assert len(recent) >= 3
    assert {r["auth"] for r in recent} == {"ok"}


async def test_the_token_never_reaches_logs_or_errors(
    simulator: InProcessSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    simulator.admin.add_fault("error", match="^/api/v1/orgs$", status=503, times=1)
    simulator.admin.add_fault("throttle", match="^/api/v1/orgs$", retryAfter="0", times=1)
    simulator.admin.add_fault("error", match="/projects$", status=503)
    errors: list[BaseException] = []
    async with fast_client(simulator.base_url, max_retries=2) as client:
        orgs = await client.all_orgs()
        try:
            await client.all_projects(orgs[0].name)
        except OpenChoreoError as error:
            errors.append(error)
        assert SIMULATOR_TOKEN not in repr(client)
    async with fast_client(simulator.base_url, token="another-secret-token") as client:
        try:
            await client.list_orgs()
        except OpenChoreoError as error:
            errors.append(error)

    assert len(errors) == 2
    assert any("retry" in record.getMessage().lower() for record in caplog.records)
    for text in [caplog.text, *map(str, errors), *map(repr, errors)]:
        assert SIMULATOR_TOKEN not in text
        assert "another-secret-token" not in text


async def test_hostile_data_is_parsed_not_choked_on(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    simulator.admin.add_fault("huge", match="^/api/v1/orgs$", mb=10)
    simulator.admin.add_fault("hostile_names", match="/projects$", style="long")
    orgs = await openchoreo_client.all_orgs()
    assert openchoreo_client.stats.bytes_received > 10 * 1024 * 1024
    projects = await openchoreo_client.all_projects(orgs[0].name)
    assert {len(p.name) for p in projects} == {300}
    simulator.admin.add_org("ünïcødé-org", allowInvalidName=True)
    assert "ünïcødé-org" in [o.name for o in await openchoreo_client.all_orgs()]
    assert (await openchoreo_client.get_org("ünïcødé-org")).name == "ünïcødé-org"
