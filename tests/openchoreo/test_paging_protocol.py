"""The paging protocol over real HTTP: short and empty pages, both ends of a walk, stalled,
expired and invalid tokens, and page sizes the server never sees out of range."""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import httpx
import pytest

from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.pagination import (
    ContinueTokenExpired,
    InvalidContinueToken,
    MalformedPage,
    PaginationStalled,
)
from openchoreo_catalog.simulator import InProcessSimulator
from tests.openchoreo.cases import ListCase, list_cases
from tests.simulator_fixtures import SIMULATOR_TOKEN


def components_case(simulator: InProcessSimulator) -> ListCase:
    truth = simulator.admin.dataset()
    return next(c for c in list_cases(truth, simulator.app.config.seed) if c.kind == "components")


async def walk_pages(
    case: ListCase, client: OpenChoreoClient, limit: int
) -> list[tuple[int, bool]]:
    """(items, has_more) of each page, walking by hand."""
    shapes, token, names = [], None, []
    while True:
        page = await case.page(client, limit, token)
        shapes.append((len(page.items), page.has_more))
        names.extend(item.name for item in page.items)
        token = page.next_token
        if not token:
            assert names == case.expected
            return shapes


async def test_short_pages_with_has_more_continue(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = components_case(simulator)
    simulator.admin.add_fault("short", match="/components$")

    shapes = await walk_pages(case, openchoreo_client, 5)

    assert any(count < 5 and more for count, more in shapes)
    items = await case.walk(openchoreo_client, 5)
    assert [i.name for i in items] == case.expected


async def test_empty_pages_with_has_more_continue(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = components_case(simulator)
    simulator.admin.add_fault("empty", match="/components$", every=2)

    shapes = await walk_pages(case, openchoreo_client, 4)

    assert (0, True) in shapes
    items = await case.walk(openchoreo_client, 4)
    assert [i.name for i in items] == case.expected


@pytest.mark.parametrize("last_page", ["absent", "empty"])
async def test_an_absent_or_empty_continue_ends_the_walk(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient, last_page: str
) -> None:
    case = components_case(simulator)
    if last_page == "empty":
        simulator.admin.add_fault("empty_continue", match="/components$")
    headers = {"Authorization": f"Bearer {SIMULATOR_TOKEN}"}
    async with httpx.AsyncClient(headers=headers) as http:
        raw = (await http.get(f"{simulator.url}{case.path}?limit=512")).json()
    metadata = raw["data"]["metadata"]
    assert metadata["hasMore"] is False
    assert ("continue" in metadata) is (last_page == "empty")
    assert metadata.get("continue", "") == ""
    simulator.admin.reset_requests()

    items = await case.walk(openchoreo_client, 5)

    assert [i.name for i in items] == case.expected
    assert simulator.admin.requests()["total"] == -(-len(case.expected) // 5)


async def test_a_repeated_token_raises_pagination_stalled(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = components_case(simulator)
    simulator.admin.add_fault("stall", match="/components$")

    with pytest.raises(PaginationStalled) as caught:
        await case.walk(openchoreo_client, 3)

    assert case.path in str(caught.value)
    assert simulator.admin.requests()["total"] == 2


async def test_an_expired_token_raises_continue_token_expired(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = components_case(simulator)
    simulator.admin.add_fault("expire", match="/components$", every=1)

    with pytest.raises(ContinueTokenExpired) as caught:
        await case.walk(openchoreo_client, 5)

    assert caught.value.status == 410
    assert caught.value.code == "CONTINUE_TOKEN_EXPIRED"
    assert case.path in str(caught.value)


async def test_tokens_expired_on_demand_raise_and_a_new_listing_works(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = components_case(simulator)
    first = await case.page(openchoreo_client, 5, None)
    simulator.admin.expire_tokens()

    with pytest.raises(ContinueTokenExpired):
        await case.page(openchoreo_client, 5, first.next_token)

    items = await case.walk(openchoreo_client, 5)
    assert [i.name for i in items] == case.expected


async def test_tokens_expire_after_the_ttl(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = components_case(simulator)
    simulator.admin.settings(token_ttl=0.05)
    first = await case.page(openchoreo_client, 5, None)
    assert first.next_token is not None

    deadline = time.monotonic() + 5.0
    while True:  # poll: the token is good until 50 ms after the first page, then 410
        try:
            await case.page(openchoreo_client, 5, first.next_token)
        except ContinueTokenExpired:
            break
        assert time.monotonic() < deadline, "the token never expired"


async def test_a_malformed_token_raises_invalid_continue_token(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = components_case(simulator)
    with pytest.raises(InvalidContinueToken) as caught:
        await case.page(openchoreo_client, 5, "not-a-token")
    assert caught.value.status == 400
    assert case.path in str(caught.value)


@pytest.mark.parametrize(
    ("asked", "sent"), [(0, "1"), (-5, "1"), (513, "512"), (100_000, "512"), (None, "512")]
)
async def test_limits_out_of_range_are_never_sent(
    simulator: InProcessSimulator,
    openchoreo_client: OpenChoreoClient,
    asked: int | None,
    sent: str,
) -> None:
    await openchoreo_client.list_orgs(limit=asked)
    org = simulator.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    await openchoreo_client.all_projects(org, limit=asked)

    queries = [parse_qs(r["query"]) for r in simulator.admin.requests()["recent"]]
    assert queries
    assert all(q["limit"] == [sent] for q in queries)


async def test_has_more_without_a_token_is_a_malformed_page(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = components_case(simulator)
    simulator.admin.add_fault("has_more_no_token", match="/components$")
    with pytest.raises(MalformedPage, match="hasMore but sent no continue token") as caught:
        await case.walk(openchoreo_client, 512)
    assert case.path in str(caught.value)
