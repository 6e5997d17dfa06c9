"""Reading the catalog on every backend: filters, sorting, full text, facets, lookups."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from openchoreo_catalog.catalog import CatalogStore, Delta, entity_uid
from openchoreo_catalog.catalog.queries import (
    OrderField,
    QueryError,
    QueryRequest,
    Selection,
    parse,
    parse_filter_params,
)
from openchoreo_catalog.catalog.queries import selection as selection_module
from openchoreo_catalog.db import Database
from tests.fixtures.entities import component, entity


def _catalog() -> list[dict[str, Any]]:
    web = component("web", "shop", system="store", owner="team-a", type="website", tags=["js"])
    api = component(
        "API-Gateway",
        "shop",
        system="store",
        owner="team-b",
        provides=["gateway-http"],
        tags=["java", "edge"],
        annotations={"openchoreo.io/project": "Store"},
        labels={"tier": "front"},
    )
    api["spec"]["replicas"] = 3
    api["spec"]["public"] = True
    api["spec"]["links"] = [{"url": "https://a.example"}, {"url": "https://b.example"}]
    api["spec"]["notes"] = None
    worker = component("worker", "shop", system="store", owner="team-a", lifecycle="experimental")
    worker["spec"]["queue"] = ""
    return [
        web,
        api,
        worker,
        component("billing", "finance", system="ledger", owner="team-b", tags=["java"]),
        entity(
            "API",
            "gateway-http",
            "shop",
            spec={"type": "openapi", "owner": "team-b", "system": "store"},
        ),
        entity("System", "store", "shop", spec={"owner": "team-a", "domain": "default/retail"}),
        entity("Group", "team-a", "shop"),
        entity("Domain", "retail", spec={"owner": "group:shop/team-a"}),
    ]


@pytest.fixture(params=["materialised", "probed"])
def strategy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run each query twice: conditions materialised (few matches), or probed per
    candidate (many matches), by moving the threshold between the two forms."""
    if request.param == "probed":
        monkeypatch.setattr(selection_module, "SELECTIVE", 1)
    return str(request.param)


@pytest.fixture
async def store(database: Database, strategy: str) -> CatalogStore:
    store = CatalogStore(database)
    result = await store.apply_mutation("p", Delta(added=_catalog()))
    assert result.rejected == []
    return store


async def _names(store: CatalogStore, *filters: str, **options: Any) -> list[str]:
    selection = Selection(
        parse_filter_params(list(filters)),
        options.pop("text", None),
        tuple(options.pop("text_fields", ())),
    )
    result = await store.query_entities(QueryRequest(selection, limit=100, **options))
    return [orjson.loads(item)["metadata"]["name"] for item in result.items]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (["kind=component"], {"web", "API-Gateway", "worker", "billing"}),
        (["KIND=Component"], {"web", "API-Gateway", "worker", "billing"}),
        (["kind=component,spec.system=store"], {"web", "API-Gateway", "worker"}),
        (["kind=component,spec.owner=team-b"], {"API-Gateway", "billing"}),
        (["kind=system", "kind=domain"], {"store", "retail"}),
        (["kind=system,kind=domain"], {"store", "retail"}),
        (["metadata.namespace=finance"], {"billing"}),
        (["metadata.name=api-gateway"], {"API-Gateway"}),
        (["metadata.annotations.openchoreo.io/project=store"], {"API-Gateway"}),
        (["metadata.labels.tier"], {"API-Gateway"}),
        (["metadata.tags=java"], {"API-Gateway", "billing"}),
        (["metadata.tags.java"], {"API-Gateway", "billing"}),
        (["metadata.tags.java=true"], {"API-Gateway", "billing"}),
        (["metadata.tags.java,metadata.tags.edge"], {"API-Gateway"}),
        (["spec.replicas=3"], {"API-Gateway"}),
        (["spec.public=true"], {"API-Gateway"}),
        (["spec.links.url=https://b.example"], {"API-Gateway"}),
        (["spec.notes"], {"API-Gateway"}),
        (["spec.queue="], {"worker"}),
        (["spec.lifecycle=experimental"], {"worker"}),
        (["spec.providesapis"], {"API-Gateway"}),
        (["relations.ownedby=group:shop/team-a"], {"web", "worker", "store", "retail"}),
        (["relations.ownerof=component:shop/web"], {"team-a"}),
        (
            ["relations.partof=system:shop/store", "kind=domain"],
            {"web", "API-Gateway", "worker", "gateway-http", "retail"},
        ),
        (["relations.haspart"], {"store", "retail"}),
        (["relations.apiprovidedby=component:shop/api-gateway"], {"gateway-http"}),
        (["relations.nosuchrelation"], set()),
        (["spec.type=nothing"], set()),
        (["no.such.key"], set()),
    ],
)
async def test_filter_forms(store: CatalogStore, filters: list[str], expected: set[str]) -> None:
    assert set(await _names(store, *filters)) == expected


async def test_filter_by_uid(store: CatalogStore) -> None:
    uid = entity_uid("component:shop/web")
    assert await _names(store, f"metadata.uid={uid}") == ["web"]


@pytest.mark.parametrize("bad", ["=x", "kind=a,=b"])
def test_malformed_filters_are_input_errors(bad: str) -> None:
    with pytest.raises(QueryError):
        parse_filter_params([bad])


async def test_order_by_name_both_ways(store: CatalogStore) -> None:
    names = await _names(store, "kind=component", order=OrderField("metadata.name"))
    assert names == ["API-Gateway", "billing", "web", "worker"]
    names = await _names(store, "kind=component", order=OrderField("metadata.name", "desc"))
    assert names == ["worker", "web", "billing", "API-Gateway"]


async def test_order_puts_missing_values_last_either_way(store: CatalogStore) -> None:
    asc = await _names(store, "kind=component", order=OrderField("metadata.tags"))
    assert asc[:2] == ["API-Gateway", "billing"] or asc[:2] == ["billing", "API-Gateway"]
    assert asc[2] == "web"  # "js"
    assert asc[3] == "worker"  # no tags
    desc = await _names(store, "kind=component", order=OrderField("metadata.tags", "desc"))
    assert desc[0] == "web"
    assert desc[-1] == "worker"


async def test_full_text_searches_the_named_fields(store: CatalogStore) -> None:
    assert set(await _names(store, text="GATE", text_fields=["metadata.name"])) == {
        "API-Gateway",
        "gateway-http",
    }
    assert await _names(store, "kind=component", text="gate", text_fields=["metadata.name"]) == [
        "API-Gateway"
    ]
    assert await _names(store, text="%", text_fields=["metadata.name"]) == []
    assert await _names(store, text="_", text_fields=["metadata.name"]) == []


async def test_full_text_defaults_to_the_sort_field(store: CatalogStore) -> None:
    names = await _names(store, text="bill", order=OrderField("metadata.name"))
    assert names == ["billing"]


async def test_total_items_and_exclusion(store: CatalogStore) -> None:
    selection = Selection(parse_filter_params(["kind=component"]))
    counted = await store.query_entities(QueryRequest(selection, limit=1))
    assert counted.total_items == 4
    skipped = await store.query_entities(QueryRequest(selection, limit=1, count=False))
    assert skipped.total_items == 0


async def test_fields_project_the_entities(store: CatalogStore) -> None:
    result = await store.query_entities(
        QueryRequest(
            Selection(parse_filter_params(["metadata.name=web"])),
            fields=["kind", "metadata.name", "spec.nope"],
        )
    )
    assert parse(result.items) == [{"kind": "Component", "metadata": {"name": "web"}}]


async def test_served_entities_carry_uid_etag_and_both_directions_of_relations(
    store: CatalogStore,
) -> None:
    [system] = parse(await store.entities_by_refs(["system:shop/store"]))
    assert system is not None
    assert system["metadata"]["uid"] == entity_uid("system:shop/store")
    assert len(system["metadata"]["etag"]) == 40
    assert system["relations"] == [
        {"type": "hasPart", "targetRef": "api:shop/gateway-http"},
        {"type": "hasPart", "targetRef": "component:shop/api-gateway"},
        {"type": "hasPart", "targetRef": "component:shop/web"},
        {"type": "hasPart", "targetRef": "component:shop/worker"},
        {"type": "ownedBy", "targetRef": "group:shop/team-a"},
        {"type": "partOf", "targetRef": "domain:default/retail"},
    ]


async def test_by_refs_keeps_order_and_misses(store: CatalogStore) -> None:
    items = parse(
        await store.entities_by_refs(
            ["group:shop/team-a", "component:nowhere/x", "Component:Shop/Web", "not a ref:"],
            fields=["metadata.name"],
        )
    )
    assert items == [{"metadata": {"name": "team-a"}}, None, {"metadata": {"name": "web"}}, None]


async def test_by_refs_applies_a_filter(store: CatalogStore) -> None:
    items = await store.entities_by_refs(
        ["component:shop/web", "component:finance/billing"],
        selection=Selection(parse_filter_params(["metadata.namespace=finance"])),
    )
    assert items[0] is None
    assert items[1] is not None


async def test_by_uid(store: CatalogStore) -> None:
    found = await store.entity_by_uid(entity_uid("domain:default/retail"))
    assert found is not None
    assert orjson.loads(found)["metadata"]["name"] == "retail"
    assert await store.entity_by_uid("00000000-0000-0000-0000-000000000000") is None


async def test_facets_count_original_values_under_the_filter(store: CatalogStore) -> None:
    facets = await store.facets(
        ["kind", "metadata.tags", "relations.ownedBy"],
        selection=Selection(parse_filter_params(["metadata.namespace=shop"])),
    )
    assert facets["kind"] == [
        {"value": "Component", "count": 3},
        {"value": "API", "count": 1},
        {"value": "Group", "count": 1},
        {"value": "System", "count": 1},
    ]
    assert facets["metadata.tags"] == [
        {"value": "edge", "count": 1},
        {"value": "java", "count": 1},
        {"value": "js", "count": 1},
    ]
    assert facets["relations.ownedBy"] == [
        {"value": "group:shop/team-a", "count": 3},
        {"value": "group:shop/team-b", "count": 2},
    ]


async def test_counts_by_kind(store: CatalogStore) -> None:
    assert await store.counts_by_kind() == {
        "Component": 4,
        "API": 1,
        "System": 1,
        "Group": 1,
        "Domain": 1,
    }


async def test_legacy_listing_orders_and_windows(store: CatalogStore) -> None:
    selection = Selection(parse_filter_params(["kind=component"]))
    by_ref = [
        orjson.loads(e)["metadata"]["name"] async for e in store.list_entities(selection=selection)
    ]
    assert by_ref == ["billing", "API-Gateway", "web", "worker"]  # component:finance/… first
    window = [
        orjson.loads(e)["metadata"]["name"]
        async for e in store.list_entities(
            selection=selection,
            order=[OrderField("spec.lifecycle", "desc"), OrderField("metadata.name")],
            limit=2,
            offset=1,
        )
    ]
    assert window == ["billing", "web"]  # production (by name), then experimental
