"""The catalog REST API over HTTP: Backstage's shapes, status codes and parameters."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import orjson
import pytest

from openchoreo_catalog.catalog import CatalogStore, Delta, entity_uid
from openchoreo_catalog.db import Database
from tests.fixtures.entities import component, entity

BASE = "/api/catalog"


@pytest.fixture
async def loaded(database: Database) -> Database:
    batch = [
        component(f"svc-{i:02d}", "shop", system="store", tags=["java"] if i % 2 else ["go"])
        for i in range(12)
    ]
    batch += [
        entity("System", "store", "shop", spec={"owner": "team"}),
        entity("Group", "team", "shop"),
    ]
    await CatalogStore(database).apply_mutation("p", Delta(added=batch))
    return database


def _names(items: list[dict[str, Any]]) -> list[str]:
    return [item["metadata"]["name"] for item in items]


async def test_by_query_pages_with_cursors(loaded: Database, api: httpx.AsyncClient) -> None:
    first = (
        await api.get(
            f"{BASE}/entities/by-query",
            params={"filter": "kind=component", "limit": 5, "orderField": "metadata.name,desc"},
        )
    ).json()
    assert first["totalItems"] == 12
    assert _names(first["items"]) == [f"svc-{i:02d}" for i in range(11, 6, -1)]
    assert set(first["pageInfo"]) == {"nextCursor"}
    second = (
        await api.get(
            f"{BASE}/entities/by-query",
            params={"cursor": first["pageInfo"]["nextCursor"], "limit": 5},
        )
    ).json()
    assert _names(second["items"]) == [f"svc-{i:02d}" for i in range(6, 1, -1)]
    assert second["totalItems"] == 12
    assert set(second["pageInfo"]) == {"nextCursor", "prevCursor"}
    back = (
        await api.get(
            f"{BASE}/entities/by-query",
            params={"cursor": second["pageInfo"]["prevCursor"], "limit": 5},
        )
    ).json()
    assert back["items"] == first["items"]


async def test_by_query_filters_fields_and_full_text(
    loaded: Database, api: httpx.AsyncClient
) -> None:
    response = await api.get(
        f"{BASE}/entities/by-query",
        params=[
            ("filter", "kind=component,metadata.tags.java"),
            ("filter", "kind=system"),
            ("fields", "kind,metadata.name"),
            ("fullTextFilterTerm", "11"),
            ("fullTextFilterFields", "metadata.name,metadata.title"),
            ("limit", "50"),
        ],
    )
    body = response.json()
    assert response.headers["content-type"] == "application/json"
    assert body["totalItems"] == 1
    assert body["items"] == [{"kind": "Component", "metadata": {"name": "svc-11"}}]


async def test_by_query_total_items_exclude(loaded: Database, api: httpx.AsyncClient) -> None:
    body = (
        await api.get(f"{BASE}/entities/by-query", params={"totalItems": "exclude", "limit": 1})
    ).json()
    assert body["totalItems"] == 0
    assert len(body["items"]) == 1


async def test_by_name_and_by_uid(loaded: Database, api: httpx.AsyncClient) -> None:
    found = await api.get(f"{BASE}/entities/by-name/Component/Shop/SVC-01")
    assert found.status_code == 200
    entity_json = found.json()
    assert entity_json["metadata"]["uid"] == entity_uid("component:shop/svc-01")
    assert {"type": "partOf", "targetRef": "system:shop/store"} in entity_json["relations"]
    by_uid = await api.get(f"{BASE}/entities/by-uid/{entity_json['metadata']['uid']}")
    assert by_uid.json() == entity_json
    missing = await api.get(f"{BASE}/entities/by-name/component/shop/nope")
    assert missing.status_code == 404
    assert missing.json() == {
        "error": {
            "name": "NotFoundError",
            "message": "No entity named 'nope' found, with kind 'component' in namespace 'shop'",
        },
        "request": {"method": "GET", "url": f"{BASE}/entities/by-name/component/shop/nope"},
        "response": {"statusCode": 404},
    }
    assert (await api.get(f"{BASE}/entities/by-uid/nope")).status_code == 404


async def test_by_refs_in_request_order_with_nulls(
    loaded: Database, api: httpx.AsyncClient
) -> None:
    from tests.fixtures.app import AUTH

    response = await api.post(
        f"{BASE}/entities/by-refs",
        json={
            "entityRefs": ["group:shop/team", "component:shop/ghost", "component:shop/svc-03"],
            "fields": ["metadata.name"],
        },
        headers=AUTH,
    )
    assert response.status_code == 200
    assert response.json() == {
        "items": [{"metadata": {"name": "team"}}, None, {"metadata": {"name": "svc-03"}}]
    }


async def test_facets(loaded: Database, api: httpx.AsyncClient) -> None:
    response = await api.get(
        f"{BASE}/entity-facets",
        params=[("facet", "kind"), ("facet", "metadata.tags"), ("filter", "kind=component")],
    )
    assert response.json() == {
        "facets": {
            "kind": [{"value": "Component", "count": 12}],
            "metadata.tags": [{"value": "go", "count": 6}, {"value": "java", "count": 6}],
        }
    }


async def test_legacy_entities_with_limit_link_and_after(
    loaded: Database, api: httpx.AsyncClient
) -> None:
    first = await api.get(
        f"{BASE}/entities",
        params={"filter": "kind=component", "limit": 5, "fields": "metadata.name"},
    )
    assert _names(first.json()) == [f"svc-{i:02d}" for i in range(5)]
    link = first.headers["link"]
    assert link.endswith('>; rel="next"')
    second = await api.get(link[1 : link.index(">")])
    assert _names(second.json()) == [f"svc-{i:02d}" for i in range(5, 10)]
    everything = await api.get(
        f"{BASE}/entities", params={"filter": "kind=component", "order": "desc:metadata.name"}
    )
    assert _names(everything.json()) == [f"svc-{i:02d}" for i in range(11, -1, -1)]
    after = base64.b64encode(orjson.dumps({"limit": 2, "offset": 10})).decode()
    tail = await api.get(f"{BASE}/entities", params={"filter": "kind=component", "after": after})
    assert _names(tail.json()) == ["svc-10", "svc-11"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/entities/by-query", {"limit": "abc"}),
        ("/entities/by-query", {"limit": "-1"}),
        ("/entities/by-query", {"limit": "99999999999999999999"}),
        ("/entities/by-query", {"offset": "1.5"}),
        ("/entities/by-query", {"orderField": "metadata.name,sideways"}),
        ("/entities/by-query", {"orderField": ",asc"}),
        ("/entities/by-query", {"filter": "=x"}),
        ("/entities/by-query", {"fields": "metadata[0]"}),
        ("/entities/by-query", {"cursor": "garbage"}),
        ("/entities/by-query", {"cursor": "eyJ2IjoxfQ.AAAA"}),
        ("/entities/by-query", {"totalItems": "maybe"}),
        ("/entities/by-query", {"fullTextFilterTerm": "x" * 2000}),
        ("/entities/by-query", {"filter": ",".join(f"k{i}=v" for i in range(200))}),
        ("/entities", {"order": "sideways:name"}),
        ("/entities", {"after": "%%%"}),
        ("/entities", {"after": base64.b64encode(b'{"limit":"x"}').decode()}),
        ("/entities", {"limit": "0"}),
        ("/entity-facets", {}),
    ],
)
async def test_hostile_parameters_are_input_errors(
    loaded: Database, api: httpx.AsyncClient, path: str, params: dict[str, str]
) -> None:
    response = await api.get(BASE + path, params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"]["name"] == "InputError"
    assert body["response"] == {"statusCode": 400}
    assert body["request"]["method"] == "GET"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"entityRefs": "x"}',
        b'{"entityRefs": [1]}',
        b'{"entityRefs": [], "fields": "x"}',
    ],
)
async def test_bad_by_refs_bodies_are_input_errors(
    loaded: Database, api: httpx.AsyncClient, content: bytes
) -> None:
    from tests.fixtures.app import AUTH

    response = await api.post(
        f"{BASE}/entities/by-refs",
        content=content,
        headers={**AUTH, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["name"] == "InputError"


async def test_health_routes(api: httpx.AsyncClient) -> None:
    assert (await api.get("/.backstage/health/v1/liveness")).json() == {"status": "ok"}
    assert (await api.get("/.backstage/health/v1/readiness")).json() == {"status": "ok"}


async def test_unknown_routes_are_backstage_shaped_404s(api: httpx.AsyncClient) -> None:
    response = await api.get("/api/catalog/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["name"] == "NotFoundError"


async def test_oversized_bodies_are_refused(loaded: Database, api: httpx.AsyncClient) -> None:
    from tests.fixtures.app import AUTH

    refs = ["component:shop/" + "x" * 60] * 200_000
    response = await api.post(f"{BASE}/entities/by-refs", json={"entityRefs": refs}, headers=AUTH)
    assert response.status_code == 413
    assert response.json()["error"]["name"] == "PayloadTooLargeError"
    too_many = await api.post(
        f"{BASE}/entities/by-refs", json={"entityRefs": refs[:20_000]}, headers=AUTH
    )
    assert too_many.status_code == 400


async def test_a_listing_that_cannot_start_is_an_error_response_not_a_cut_200(
    loaded: Database, api: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    streamed = await api.get(f"{BASE}/entities")
    assert streamed.status_code == 200
    assert len(streamed.json()) == 14, "the unbounded listing streams every entity"
    async with loaded.transaction() as conn:  # the catalog's table gone: the query fails
        await conn.exec_driver_sql("ALTER TABLE catalog_entities RENAME TO catalog_hidden")
    try:
        response = await api.get(f"{BASE}/entities")
    finally:
        async with loaded.transaction() as conn:
            await conn.exec_driver_sql("ALTER TABLE catalog_hidden RENAME TO catalog_entities")
    assert response.status_code == 500
    assert response.json()["error"]["message"] == "Internal server error"
    assert any(r.getMessage() == "database failure" for r in caplog.records)
