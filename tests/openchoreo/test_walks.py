"""Full walks of every list endpoint over real HTTP: each item once, in order, any page size."""

from __future__ import annotations

import math
from urllib.parse import parse_qs

import pytest

from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.simulator import InProcessSimulator
from tests.openchoreo.cases import LIST_KINDS, ListCase, list_cases


def case_for(simulator: InProcessSimulator, kind: str) -> ListCase:
    truth = simulator.admin.dataset()
    return next(c for c in list_cases(truth, simulator.app.config.seed) if c.kind == kind)


def sent_limits(simulator: InProcessSimulator, path: str) -> list[str]:
    recent = simulator.admin.requests()["recent"]
    return [parse_qs(r["query"]).get("limit", [""])[0] for r in recent if r["path"] == path]


@pytest.mark.parametrize("limit", [1, 7, 512])
@pytest.mark.parametrize("kind", LIST_KINDS)
async def test_a_full_walk_returns_each_item_once_in_order(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient, kind: str, limit: int
) -> None:
    case = case_for(simulator, kind)
    assert len(case.expected) >= 2, "the case must page for limit=1 to mean anything"
    simulator.admin.reset_requests()

    items = await case.walk(openchoreo_client, limit)

    assert [item.name for item in items] == case.expected
    limits = sent_limits(simulator, case.path)
    assert limits == [str(limit)] * math.ceil(len(case.expected) / limit)


async def test_one_page_carries_the_token_to_the_next(
    simulator: InProcessSimulator, openchoreo_client: OpenChoreoClient
) -> None:
    case = case_for(simulator, "components")
    first = await case.page(openchoreo_client, 5, None)
    assert first.has_more
    assert first.next_token
    second = await case.page(openchoreo_client, 5, first.next_token)
    assert [c.name for c in [*first.items, *second.items]] == case.expected[:10]
    assert first.resource_version == second.resource_version


async def test_every_list_endpoint_is_covered() -> None:
    client_lists = {
        name.removeprefix("all_") for name in dir(OpenChoreoClient) if name.startswith("all_")
    }
    assert client_lists == set(LIST_KINDS)
