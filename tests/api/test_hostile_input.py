"""Hostile input on the catalog routes: always a clear 4xx or a normal answer, never a 500.

Found by schemathesis-style probing (issue 8): a NUL character in a query parameter, a path
segment or an ``entityRefs`` body reached PostgreSQL, which cannot handle NUL in text, and
came back as a 500 (``GET /entities`` even broke off its streamed answer). Other odd values
(emoji, right-to-left marks, SQL wildcards, 5,000 characters) must keep working everywhere.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from openchoreo_catalog.catalog import CatalogStore, Delta
from openchoreo_catalog.catalog.validation import nul_path
from openchoreo_catalog.db import Database
from openchoreo_catalog.simulator import InProcessSimulator
from tests.fixtures.app import AUTH
from tests.fixtures.entities import component
from tests.service.harness import AUTH as SERVICE_AUTH
from tests.service.inprocess import in_process, running

BASE = "/api/catalog"
NUL = ["\x00", "a\x00b"]
ODD = ["😀", "名前", "\u202e", "%", "_", "\\", "'", '"', "x" * 5000, "\t\n"]


@pytest.fixture
async def loaded(database: Database) -> Database:
    batch = [component(f"svc-{i}", "shop", system="store") for i in range(3)]
    await CatalogStore(database).apply_mutation("p", Delta(added=batch))
    return database


def reads(odd: str) -> list[tuple[str, dict[str, str]]]:
    """Every read route with ``odd`` in each parameter it takes."""
    segment = quote(odd, safe="")
    query = f"{BASE}/entities/by-query"
    return [
        (query, {"filter": f"kind={odd}"}),
        (query, {"filter": f"{odd}={odd}"}),
        (query, {"filter": f"metadata.annotations.{odd}"}),
        (query, {"fullTextFilterTerm": odd, "fullTextFilterFields": odd}),
        (query, {"orderField": f"{odd},desc"}),
        (query, {"fields": odd, "cursor": odd}),
        (query, {"limit": odd}),
        (f"{BASE}/entities", {"filter": f"kind={odd}", "order": f"asc:{odd}"}),
        (f"{BASE}/entities", {"after": odd}),
        (f"{BASE}/entity-facets", {"facet": odd, "filter": f"kind={odd}"}),
        (f"{BASE}/entities/by-name/{segment}/{segment}/{segment}", {}),
        (f"{BASE}/entities/by-uid/{segment}", {}),
    ]


@pytest.mark.parametrize("odd", NUL, ids=["nul", "inner-nul"])
async def test_a_nul_anywhere_in_a_read_is_a_400_naming_it(
    loaded: Database, api: httpx.AsyncClient, odd: str
) -> None:
    for path, params in reads(odd):
        response = await api.get(path, params=params)
        assert response.status_code == 400, (path, params, response.text)
        assert "NUL" in response.json()["error"]["message"]
    body = {"entityRefs": [f"component:shop/{odd}"]}
    refused = await api.post(f"{BASE}/entities/by-refs", json=body, headers=AUTH)
    assert refused.status_code == 400
    assert "NUL" in refused.json()["error"]["message"]


@pytest.mark.parametrize("odd", ODD)
async def test_odd_but_legal_reads_never_fail_with_500(
    loaded: Database, api: httpx.AsyncClient, odd: str
) -> None:
    for path, params in reads(odd):
        response = await api.get(path, params=params)
        assert response.status_code < 500, (path, params, response.text)
    for body in (
        {"entityRefs": [odd, f"component:shop/{odd}", f"{odd}:{odd}/{odd}"]},
        {"entityRefs": ["component:shop/svc-1"], "fields": [odd]},
    ):
        response = await api.post(f"{BASE}/entities/by-refs", json=body, headers=AUTH)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("numbers"), [("999999999999", "-1", "0", "1e3", " 5 ", "+5", "٣")], ids=["numbers"]
)
async def test_odd_numbers_are_400s_or_answers(
    loaded: Database, api: httpx.AsyncClient, numbers: tuple[str, ...]
) -> None:
    for number in numbers:
        for path, params in [
            (f"{BASE}/entities/by-query", {"limit": number}),
            (f"{BASE}/entities/by-query", {"offset": number}),
            (f"{BASE}/entities", {"limit": number, "offset": number}),
        ]:
            response = await api.get(path, params=params)
            assert response.status_code in (200, 400), (path, params, response.text)


async def test_a_nul_in_a_written_entity_rejects_it_alone(database: Database) -> None:
    """OpenChoreo data with a NUL must not fail the page's transaction on PostgreSQL."""
    bad = component("svc-nul", "shop", system="store")
    bad["metadata"]["description"] = "broken\x00text"
    good = component("svc-ok", "shop", system="store")
    result = await CatalogStore(database).apply_mutation("p", Delta(added=[bad, good]))
    assert result.written == 1
    [rejection] = result.rejected
    assert rejection.reason.startswith("metadata.description")
    assert "NUL" in rejection.reason


async def test_an_immediate_write_with_a_nul_is_a_400(
    database: Database, simulator: InProcessSimulator
) -> None:
    entity = component("svc-nul", "shop", system="store")
    entity["metadata"]["annotations"] = {"example.com/x": "a\x00b"}
    async with running(in_process(database, simulator.base_url)) as client:
        path = f"{BASE}/immediate/entities"
        response = await client.post(path, json=entity, headers=SERVICE_AUTH)
        assert response.status_code == 400, response.text
        assert "metadata.annotations.example.com/x" in response.json()["error"]["message"]
        removal = await client.delete(f"{path}/component/shop/a%00b", headers=SERVICE_AUTH)
        assert removal.status_code == 400


def oversized() -> dict[str, tuple[str, list[tuple[str, str]]]]:
    """Parameter lists far longer than any client sends."""
    return {
        "filters": (f"{BASE}/entities/by-query", [("filter", f"kind=k{i}") for i in range(3000)]),
        "conditions": (f"{BASE}/entities", [("filter", ",".join(f"a.b{i}=c" for i in range(500)))]),
        "fields": (
            f"{BASE}/entities/by-query",
            [("fields", ",".join(f"f{i}" for i in range(5000)))],
        ),
        "orderField": (
            f"{BASE}/entities/by-query",
            [("orderField", f"f{i},asc") for i in range(2000)],
        ),
        "order": (f"{BASE}/entities", [("order", f"asc:metadata.n{i}") for i in range(2000)]),
        "facets": (f"{BASE}/entity-facets", [("facet", f"spec.f{i}") for i in range(3000)]),
        "text fields": (
            f"{BASE}/entities/by-query",
            [
                ("fullTextFilterTerm", "x"),
                ("fullTextFilterFields", ",".join(f"f{i}" for i in range(3000))),
            ],
        ),
    }


async def test_oversized_parameter_lists_are_400s_or_answers(
    loaded: Database, api: httpx.AsyncClient
) -> None:
    """Found by probing: 2,000 ``order`` parameters on ``GET /entities`` failed in every
    database (one correlated subquery per sort key) and broke off the streamed answer."""
    for name, (path, params) in oversized().items():
        response = await api.get(path, params=params)
        assert response.status_code in (200, 400), (name, response.text[:300])
    for count, status in ((10_000, 200), (40_000, 400)):
        refs = {"entityRefs": [f"component:shop/s{i}" for i in range(count)]}
        response = await api.post(f"{BASE}/entities/by-refs", json=refs, headers=AUTH)
        assert response.status_code == status, response.text[:300]


async def test_many_sort_fields_are_refused_and_twenty_work(
    loaded: Database, api: httpx.AsyncClient
) -> None:
    order = [("order", f"asc:metadata.n{i}") for i in range(21)]
    refused = await api.get(f"{BASE}/entities", params=order)
    assert refused.status_code == 400
    assert "at most 20 sort fields" in refused.json()["error"]["message"]
    answered = await api.get(f"{BASE}/entities", params=order[:20])
    assert answered.status_code == 200
    assert len(answered.json()) == 3
    fields = [("orderField", f"metadata.n{i},asc") for i in range(21)]
    assert (await api.get(f"{BASE}/entities/by-query", params=fields)).status_code == 400


def test_the_path_of_a_nul_names_it_without_a_raw_nul() -> None:
    assert nul_path({"metadata": {"annotations": {"a\x00b": "v"}}}) == (
        "metadata.annotations.a\\u0000b"
    )
    assert nul_path({"spec": {"list": ["ok", "no\x00"]}}) == "spec.list.1"
    assert nul_path({"spec": {"text": "a\\u0000 is only text"}}) is None
