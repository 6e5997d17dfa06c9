"""Entity refs parse, stringify and compare as Backstage's catalog-model does."""

from __future__ import annotations

import pytest

from openchoreo_catalog.catalog import (
    EntityRef,
    InvalidRef,
    entity_ref,
    entity_uid,
    normalize_ref,
    parse_ref,
    stringify_ref,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("component:payments/api", EntityRef("component", "payments", "api")),
        ("Component:Payments/API", EntityRef("Component", "Payments", "API")),
        ("component:api", EntityRef("component", "default", "api")),
        ("payments/api", EntityRef("group", "payments", "api")),
        ("api", EntityRef("group", "default", "api")),
        ("user:default/a:b", EntityRef("user", "default", "a:b")),
        ("a/b:c", EntityRef("group", "a", "b:c")),
    ],
)
def test_parse(text: str, expected: EntityRef) -> None:
    assert parse_ref(text, default_kind="group") == expected


@pytest.mark.parametrize("text", ["", ":a", "a:", "a:/b", "/b", "k:ns/"])
def test_parse_rejects_empty_parts(text: str) -> None:
    with pytest.raises(InvalidRef):
        parse_ref(text, default_kind="group")


def test_a_ref_without_kind_needs_a_default() -> None:
    with pytest.raises(InvalidRef, match="no kind"):
        parse_ref("default/api")


def test_relative_refs_resolve_in_the_given_namespace() -> None:
    assert str(parse_ref("team", default_kind="group", default_namespace="org")) == (
        "group:org/team"
    )


def test_canonical_form_is_lower_case() -> None:
    assert stringify_ref("Component", "Payments", "API") == "component:payments/api"
    assert normalize_ref("Component:API") == "component:default/api"
    assert entity_ref({"kind": "API", "metadata": {"name": "X"}}) == "api:default/x"


def test_uid_is_stable_and_case_insensitive() -> None:
    assert entity_uid("component:default/api") == entity_uid("Component:Default/API")
    assert entity_uid("component:default/api") != entity_uid("component:default/api2")
    assert len(entity_uid("component:default/api")) == 36
