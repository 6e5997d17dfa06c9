"""Relations derived from spec, with Backstage's default kinds and namespace resolution."""

from __future__ import annotations

import pytest

from openchoreo_catalog.catalog import INVERSE, InvalidEntity, Relation, validate_entity
from openchoreo_catalog.catalog.relations import derive_relations
from tests.fixtures.entities import component, entity


def _relations(raw: dict[str, object]) -> set[tuple[str, str]]:
    return {(r.type, r.target_ref) for r in derive_relations(validate_entity(raw))}


def test_component_relations_resolve_in_its_namespace() -> None:
    raw = component("api", "Payments", system="shop", owner="team-a", provides=["api-http"])
    raw["spec"]["consumesApis"] = ["other/billing"]
    raw["spec"]["dependsOn"] = ["resource:db"]
    raw["spec"]["dependencyOf"] = ["component:default/front"]
    raw["spec"]["subcomponentOf"] = "platform"
    assert _relations(raw) == {
        ("ownedBy", "group:payments/team-a"),
        ("partOf", "system:payments/shop"),
        ("providesApi", "api:payments/api-http"),
        ("consumesApi", "api:other/billing"),
        ("dependsOn", "resource:payments/db"),
        ("dependencyOf", "component:default/front"),
        ("partOf", "component:payments/platform"),
    }


def test_explicit_kind_overrides_the_default() -> None:
    assert _relations(component("a", owner="user:default/jane")) == {
        ("ownedBy", "user:default/jane")
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            entity("API", "a", spec={"owner": "t", "system": "s"}),
            {("ownedBy", "group:default/t"), ("partOf", "system:default/s")},
        ),
        (
            entity("System", "s", "org", spec={"owner": "t", "domain": "default/org"}),
            {("ownedBy", "group:org/t"), ("partOf", "domain:default/org")},
        ),
        (
            entity("Domain", "d", spec={"owner": "t", "subdomainOf": "top"}),
            {("ownedBy", "group:default/t"), ("partOf", "domain:default/top")},
        ),
        (
            entity(
                "Resource", "r", spec={"owner": "t", "system": "s", "dependsOn": ["component:c"]}
            ),
            {
                ("ownedBy", "group:default/t"),
                ("partOf", "system:default/s"),
                ("dependsOn", "component:default/c"),
            },
        ),
        (
            entity("Group", "g", spec={"parent": "top", "children": ["kid"], "members": ["jane"]}),
            {
                ("childOf", "group:default/top"),
                ("parentOf", "group:default/kid"),
                ("hasMember", "user:default/jane"),
            },
        ),
        (entity("User", "u", spec={"memberOf": ["g"]}), {("memberOf", "group:default/g")}),
        (
            entity(
                "Environment", "dev", "org", spec={"type": "non-production", "dataPlaneRef": "dp1"}
            ),
            {("hostedOn", "dataplane:org/dp1")},
        ),
        (
            entity(
                "DeploymentPipeline",
                "p",
                "org",
                spec={"type": "promotion-pipeline", "projectRef": "shop"},
            ),
            {("pipelineUsedBy", "system:org/shop")},
        ),
        (
            entity("System", "shop", "org", spec={"owner": "t", "deploymentPipelineRef": "p"}),
            {("ownedBy", "group:org/t"), ("usesPipeline", "deploymentpipeline:org/p")},
        ),
        (
            entity("Template", "t", spec={"owner": "x", "type": "service"}),
            {("ownedBy", "group:default/x")},
        ),
        (entity("Location", "l", spec={"owner": "x"}), set()),
    ],
)
def test_kind_specific_rules(raw: dict[str, object], expected: set[tuple[str, str]]) -> None:
    assert _relations(raw) == expected


def test_duplicates_are_removed() -> None:
    raw = component("a", provides=["x", "X", "api:default/x"])
    assert [r.target_ref for r in derive_relations(validate_entity(raw))] == [
        "group:default/guests",
        "api:default/x",
    ]


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"owner": ""}, "spec.owner"),
        ({"owner": 5}, "spec.owner"),
        ({"owner": "group:"}, "spec.owner"),
        ({"owner": "x", "dependsOn": ["no-kind"]}, "spec.dependsOn.0"),
        ({"owner": "x", "providesApis": ["ok", "api:" + "n" * 300]}, "spec.providesApis.1"),
    ],
)
def test_malformed_references_name_the_field(spec: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidEntity) as caught:
        derive_relations(validate_entity(entity("Component", "c", spec=spec)))
    assert caught.value.field == field


def test_every_relation_has_an_inverse() -> None:
    for name, inverse in INVERSE.items():
        assert INVERSE[inverse] == name
    assert Relation("ownedBy", "group:default/x").type in INVERSE
