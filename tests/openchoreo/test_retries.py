"""Retries over real HTTP: what is retried, how long it waits (``Retry-After``), and where
it stops (attempts, time budget), with the simulator counting what really went out."""

from __future__ import annotations

import time
from email.utils import formatdate

import httpx
import pytest

from openchoreo_catalog.openchoreo import (
    OpenChoreoClient,
    OpenChoreoNotFound,
    OpenChoreoUnavailable,
)
from openchoreo_catalog.simulator import InProcessSimulator
from openchoreo_catalog.simulator.server import bind
from tests.simulator_fixtures import fast_client

ORGS = "^/api/v1/orgs$"


async def test_503_is_retried_until_it_succeeds(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    simulator.admin.add_fault("error", match=ORGS, status=503, times=2)

    orgs = await openchoreo_client.all_orgs()

    assert len(orgs) == simulator.app.config.orgs
    assert simulator.admin.requests()["byStatus"] == {"200": 1, "503": 2}
    assert openchoreo_client.stats.retries == 2
    assert openchoreo_client.stats.server_errors == 2


@pytest.mark.parametrize("status", [500, 502, 504])
async def test_other_5xx_are_retried(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient, status: int
) -> None:
    simulator.admin.add_fault("error", match=ORGS, status=status, times=1)
    await openchoreo_client.all_orgs()
    assert simulator.admin.requests()["byStatus"] == {"200": 1, str(status): 1}


@pytest.mark.parametrize(("kind", "status"), [("throttle", 429), ("error", 503)])
async def test_retry_after_in_seconds_is_honoured(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient, kind: str, status: int
) -> None:
    simulator.admin.add_fault(kind, match=ORGS, status=status, retryAfter="0.4", times=1)

    started = time.monotonic()
    await openchoreo_client.all_orgs()
    waited = time.monotonic() - started

    assert waited >= 0.4  # the client's own backoff would be 10-50 ms
    assert simulator.admin.requests()["byStatus"] == {"200": 1, str(status): 1}
    assert openchoreo_client.stats.throttled == (1 if status == 429 else 0)


async def test_retry_after_as_an_http_date_is_honoured(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    when = formatdate(time.time() + 2, usegmt=True)  # whole seconds: waits 1 to 2 s
    simulator.admin.add_fault("throttle", match=ORGS, retryAfter=when, times=1)

    started = time.monotonic()
    await openchoreo_client.all_orgs()

    assert time.monotonic() - started >= 0.9
    assert simulator.admin.requests()["byStatus"] == {"200": 1, "429": 1}


async def test_a_retry_after_past_the_time_budget_gives_up_at_once(
    simulator: InProcessSimulator,
) -> None:
    simulator.admin.add_fault("throttle", match=ORGS, retryAfter="30")
    async with fast_client(simulator.base_url, retry_time_limit=2.0) as client:
        started = time.monotonic()
        with pytest.raises(OpenChoreoUnavailable) as caught:
            await client.list_orgs()
    assert time.monotonic() - started < 1.5
    message = str(caught.value)
    assert "GET /api/v1/orgs" in message
    assert "HTTP 429 TOO_MANY_REQUESTS" in message
    assert "retry time limit" in message
    assert caught.value.status == 429


async def test_retries_stop_after_the_attempt_limit(simulator: InProcessSimulator) -> None:
    simulator.admin.add_fault("error", match=ORGS, status=503)
    async with fast_client(simulator.base_url, max_retries=2) as client:
        with pytest.raises(OpenChoreoUnavailable) as caught:
            await client.list_orgs()
    assert simulator.admin.requests()["byStatus"] == {"503": 3}
    assert str(caught.value).startswith("GET /api/v1/orgs: HTTP 503 SERVICE_UNAVAILABLE:")
    assert "after 3 attempts" in str(caught.value)
    assert caught.value.code == "SERVICE_UNAVAILABLE"


async def test_retries_stop_within_the_time_budget(simulator: InProcessSimulator) -> None:
    simulator.admin.add_fault("error", match=ORGS, status=503)
    async with fast_client(
        simulator.base_url, max_retries=1000, retry_time_limit=0.5, backoff_max=0.1
    ) as client:
        started = time.monotonic()
        with pytest.raises(OpenChoreoUnavailable):
            await client.list_orgs()
    assert time.monotonic() - started < 1.0


async def test_a_dropped_connection_is_retried(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    simulator.admin.add_fault("drop", match=ORGS, times=1)

    orgs = await openchoreo_client.all_orgs()

    assert len(orgs) == simulator.app.config.orgs
    assert openchoreo_client.stats.transport_errors == 1
    assert openchoreo_client.stats.retries == 1


async def test_an_unreachable_server_is_unavailable_after_retries() -> None:
    sock = bind("127.0.0.1", 0)  # a port that is ours and not listening once closed
    port = sock.getsockname()[1]
    sock.close()
    async with fast_client(f"http://127.0.0.1:{port}/api/v1", max_retries=2) as client:
        with pytest.raises(OpenChoreoUnavailable) as caught:
            await client.get_org("acme")
    assert "GET /api/v1/orgs/acme" in str(caught.value)
    assert "after 3 attempts" in str(caught.value)
    assert "ConnectError" in str(caught.value)
    assert client.stats.transport_errors == 3


async def test_client_errors_are_not_retried(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    with pytest.raises(OpenChoreoNotFound):
        await openchoreo_client.get_org("no-such-org")
    assert simulator.admin.requests()["total"] == 1


async def test_only_idempotent_requests_are_retried() -> None:
    calls = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(503, json={"success": False, "error": "down", "code": "X"})

    async with fast_client("http://x/api/v1", transport=httpx.MockTransport(answer)) as client:
        http = client._http  # the pooled httpx client the endpoint methods use
        assert (await http.post("orgs")).status_code == 503
        assert calls == ["POST"]
        assert (await http.get("orgs")).status_code == 503
        assert calls == ["POST", "GET", "GET", "GET", "GET"]


async def test_the_request_rate_is_limited(simulator: InProcessSimulator) -> None:
    org = simulator.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    async with fast_client(simulator.base_url, max_requests_per_second=20) as client:
        started = time.monotonic()
        for _ in range(30):  # a burst of 20, then 10 more at 20 per second
            await client.get_org(org)
        assert time.monotonic() - started >= 0.4
    assert simulator.admin.requests()["total"] == 30
