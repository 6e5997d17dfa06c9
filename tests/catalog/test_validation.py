"""Backstage's field rules; each rejection names the field at fault."""

from __future__ import annotations

from typing import Any

import pytest

from openchoreo_catalog.catalog import InvalidEntity, validate_entity
from tests.fixtures.entities import component, entity


def _with(path: str, value: Any) -> dict[str, Any]:
    result = component("api")
    target = result
    parts = path.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value
    return result


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("metadata.name", "-starts-with-dash", "metadata.name"),
        ("metadata.name", "x" * 64, "metadata.name"),
        ("metadata.name", "has space", "metadata.name"),
        ("metadata.name", None, "metadata.name"),
        ("metadata.namespace", "ends-with_", "metadata.namespace"),
        ("kind", "1Component", "kind"),
        ("kind", None, "kind"),
        ("apiVersion", "a/b/c", "apiVersion"),
        ("apiVersion", None, "apiVersion"),
        ("metadata.labels", {"bad key!": "v"}, "metadata.labels.bad key!"),
        ("metadata.labels", {"ok": "x" * 64}, "metadata.labels.ok"),
        ("metadata.labels", {("a" * 254) + "/n": "v"}, "metadata.labels." + "a" * 254 + "/n"),
        ("metadata.annotations", {"Prefix.IO/x": "v"}, "metadata.annotations.Prefix.IO/x"),
        ("metadata.annotations", {"example.com/x": 1}, "metadata.annotations.example.com/x"),
        ("metadata.tags", ["Upper"], "metadata.tags.0"),
        ("metadata.tags", ["ok", "a" * 64], "metadata.tags.1"),
        ("metadata.links", [{"url": "not a url"}], "metadata.links.0.url"),
        ("metadata.title", 5, "metadata.title"),
        ("spec", "text", "spec"),
        ("status", {}, "status"),
    ],
)
def test_invalid_fields_are_named(path: str, value: Any, field: str) -> None:
    with pytest.raises(InvalidEntity) as caught:
        validate_entity(_with(path, value))
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("metadata.name", "a"),
        ("metadata.name", "A_b.c-D9"),
        ("metadata.name", "x" * 63),
        ("metadata.namespace", "Org.Name_1"),
        ("metadata.labels", {"openchoreo.io/managed": "true", "empty": ""}),
        ("metadata.annotations", {"backstage.io/managed-by-location": "provider:x"}),
        ("metadata.tags", ["java", "c++", "a:b", "x-y"]),
        ("metadata.links", [{"url": "https://example.com", "title": "Docs"}]),
        ("apiVersion", "v1"),
    ],
)
def test_valid_fields_pass(path: str, value: Any) -> None:
    validate_entity(_with(path, value))


def test_cleaning_defaults_the_namespace_and_drops_server_fields() -> None:
    raw = entity("Component", "api", spec={"type": "service"})
    raw["metadata"]["uid"] = "client-chosen"
    raw["metadata"]["etag"] = "x"
    raw["relations"] = [{"type": "ownedBy", "targetRef": "group:default/x"}]
    cleaned = validate_entity(raw)
    assert cleaned["metadata"] == {"name": "api", "namespace": "default"}
    assert "relations" not in cleaned
    assert raw["metadata"]["uid"] == "client-chosen"  # the input is not modified


def test_not_an_object() -> None:
    with pytest.raises(InvalidEntity, match=r"^entity: must be a JSON object"):
        validate_entity(["x"])
