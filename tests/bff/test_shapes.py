"""The pure parts of the BFF: promotion order, the environment merge, the cell diagram."""

from __future__ import annotations

from typing import Any

from openchoreo_catalog.api.bff.cell_diagram import component_kind, project_diagram
from openchoreo_catalog.api.bff.environments import deployment_status, merge, promotion_order
from openchoreo_catalog.openchoreo.models import (
    Component,
    DeploymentPipeline,
    Environment,
    ReleaseBinding,
)


def pipeline(*paths: tuple[str, list[str]]) -> DeploymentPipeline:
    return DeploymentPipeline.model_validate(
        {
            "name": "p",
            "orgName": "o",
            "createdAt": "2025-01-01T00:00:00Z",
            "promotionPaths": [
                {"sourceEnvironmentRef": s, "targetEnvironmentRefs": [{"name": t} for t in ts]}
                for s, ts in paths
            ],
        }
    )


def env(name: str, display: str | None = None) -> Environment:
    return Environment.model_validate(
        {
            "uid": f"uid-{name}",
            "name": name,
            "namespace": "o",
            "isProduction": name == "production",
            "createdAt": "2025-01-01T00:00:00Z",
            "displayName": display,
        }
    )


def binding(environment: str, status: str | None = "Ready") -> ReleaseBinding:
    return ReleaseBinding.model_validate(
        {
            "name": f"c-{environment}",
            "componentName": "c",
            "projectName": "p",
            "orgName": "o",
            "environment": environment,
            "createdAt": "2025-02-01T00:00:00Z",
            "releaseName": "c-release-1",
            "status": status,
        }
    )


def test_promotion_order_is_topological_with_ties_in_pipeline_order() -> None:
    order = promotion_order(
        pipeline(
            ("Staging", ["production"]), ("development", ["qa", "staging"]), ("qa", ["staging"])
        )
    )
    assert order == ["development", "qa", "staging", "production"]


def test_a_cycle_in_the_pipeline_still_lists_every_environment_once() -> None:
    assert sorted(promotion_order(pipeline(("a", ["b"]), ("b", ["a"])))) == ["a", "b"]


def test_merge_orders_by_pipeline_and_appends_environments_it_does_not_name() -> None:
    envs = [env("sandbox"), env("production"), env("development", "Dev")]
    merged = merge(
        envs, [binding("production", "NotReady")], pipeline(("development", ["production"]))
    )
    assert [e["resourceName"] for e in merged] == ["development", "production", "sandbox"]
    assert merged[0]["name"] == "Dev"
    assert merged[0]["deployment"] == {"deployed": False, "status": "not-deployed"}
    assert merged[0]["promotionTargets"] == [
        {"name": "production", "requiresApproval": False, "isManualApprovalRequired": False}
    ]
    assert merged[1]["deployment"]["status"] == "pending"
    assert merged[1]["bindingName"] == "c-production"


def test_merge_without_a_pipeline_keeps_the_api_order() -> None:
    merged = merge([env("b"), env("a")], [], None)
    assert [e["resourceName"] for e in merged] == ["b", "a"]


def test_deployment_status_mapping() -> None:
    cases: dict[Any, str] = {
        "Ready": "success",
        "Active": "success",
        "NotReady": "pending",
        "Failed": "failed",
        "Suspended": "suspended",
        None: "pending",
        "Whatever": "pending",
    }
    for status, expected in cases.items():
        assert deployment_status(status) == expected


def component(name: str, kind: str, workload: dict[str, Any] | None = None) -> Component:
    data: dict[str, Any] = {
        "uid": name,
        "name": name,
        "type": kind,
        "projectName": "p",
        "orgName": "o",
        "createdAt": "2025-01-01T00:00:00Z",
    }
    if workload is not None:
        data["workload"] = workload
    return Component.model_validate(data)


def test_cell_diagram_kinds_services_and_connections() -> None:
    api = component(
        "api",
        "deployment/service",
        {
            "endpoints": {"grpc": {"type": "gRPC", "port": 9000}},
            "connections": {
                "db": {"type": "api", "params": {"componentName": "web", "projectName": "p"}},
                "ext": {"type": "api", "params": {"componentName": "x", "projectName": "other"}},
            },
        },
    )
    web = component(
        "web", "deployment/web-app", {"endpoints": {"web": {"type": "HTTP", "port": 80}}}
    )
    cron = component("job", "ScheduledTask")
    diagram = project_diagram("o", "p", [api, web, cron])
    kinds = {c["id"]: c["type"] for c in diagram["components"]}
    assert kinds == {"api": "service", "web": "web-app", "job": "scheduled-task"}
    assert component_kind(component("legacy", "WebApplication")) == "web-app"
    first = diagram["components"][0]
    assert list(first["services"]) == ["grpc"]
    assert [(c["label"], c["onPlatform"]) for c in first["connections"]] == [
        ("db", True),
        ("ext", False),
    ]
