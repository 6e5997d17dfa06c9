"""The flattened search rows: Backstage's keys and values, compactly stored."""

from __future__ import annotations

import pytest

from openchoreo_catalog.catalog import InvalidEntity, validate_entity
from openchoreo_catalog.catalog.search import NULL_VALUE, key_hash, search_pairs, search_rows
from tests.fixtures.entities import component


def test_pairs_follow_backstage_keys() -> None:
    raw = component(
        "API-Gateway",
        "Payments",
        system="shop",
        tags=["java", "go"],
        labels={"openchoreo.io/managed": "true"},
        annotations={"openchoreo.io/project": "Shop"},
        title="The Gateway",
    )
    raw["spec"]["languages"] = ["Java", "Go"]
    raw["spec"]["replicas"] = 3
    raw["spec"]["public"] = True
    raw["spec"]["ratio"] = 1.0
    raw["spec"]["links"] = [{"url": "u"}, {"url": "v"}]
    raw["spec"]["description"] = "x" * 201
    raw["spec"]["nothing"] = None
    pairs = {(key, value): original for key, value, original in search_pairs(validate_entity(raw))}
    assert pairs[("kind", "component")] == "Component"
    assert pairs[("apiversion", "backstage.io/v1alpha1")] is None  # original equals the value
    assert pairs[("metadata.name", "api-gateway")] == "API-Gateway"
    assert pairs[("metadata.namespace", "payments")] == "Payments"
    assert pairs[("metadata.title", "the gateway")] == "The Gateway"
    assert ("metadata.tags[]", "java") in pairs
    assert pairs[("spec.languages[]", "go")] == "Go"
    assert ("metadata.labels.openchoreo.io/managed", "true") in pairs
    assert pairs[("metadata.annotations.openchoreo.io/project", "shop")] == "Shop"
    assert ("spec.replicas", "3") in pairs
    assert ("spec.public", "true") in pairs
    assert ("spec.ratio", "1") in pairs
    assert ("spec.links.url[*]", "u") in pairs  # under an array: may repeat
    assert ("spec.links.url[*]", "v") in pairs
    assert ("spec.description", None) in pairs  # too long: present without a value
    assert ("spec.nothing", None) in pairs
    assert ("spec.system", "shop") in pairs


def test_rows_hash_keys_and_keep_originals_only_when_they_differ() -> None:
    raw = component("api", tags=["java"])
    raw["spec"]["languages"] = ["Java"]
    rows = search_rows(validate_entity(raw))
    assert (key_hash("metadata.name"), "api", None) in rows
    assert (key_hash("metadata.tags[]"), "java", None) in rows
    assert (key_hash("spec.languages[]"), "java", "Java") in rows
    assert (key_hash("kind"), "component", "Component") in rows


def test_null_values_use_the_sentinel() -> None:
    raw = component("api")
    raw["spec"]["nothing"] = None
    assert (key_hash("spec.nothing"), NULL_VALUE, None) in search_rows(validate_entity(raw))


def test_server_fields_are_not_indexed_from_the_body() -> None:
    cleaned = validate_entity(component("api"))
    cleaned["metadata"]["uid"] = "u"
    cleaned["metadata"]["etag"] = "e"
    keys = {key for key, _, _ in search_pairs(cleaned)}
    assert "metadata.uid" not in keys
    assert "metadata.etag" not in keys


def test_duplicate_pairs_collapse() -> None:
    pairs = search_pairs(validate_entity(component("api", tags=["go", "go"])))
    assert [p for p in pairs if p[0] == "metadata.tags[]"] == [("metadata.tags[]", "go", None)]


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"Foo": 1, "foo": 2}, "spec.foo"),
        ({"x": float("nan")}, "spec.x"),
        ({"x": {1, 2}}, "spec.x"),
    ],
)
def test_non_json_or_ambiguous_content_is_rejected(spec: dict[str, object], field: str) -> None:
    raw = component("api")
    raw["spec"].update(spec)
    with pytest.raises(InvalidEntity) as caught:
        search_rows(validate_entity(raw))
    assert caught.value.field == field
