"""Translation of OpenChoreo API items into entities, kind by kind (issue 5's table)."""

from __future__ import annotations

import re

import pytest

from openchoreo_catalog.providers.openchoreo.translate.api import api_entity, api_spec_type
from openchoreo_catalog.providers.openchoreo.translate.common import TranslationContext, tag
from openchoreo_catalog.providers.openchoreo.translate.component import component_entity
from openchoreo_catalog.providers.openchoreo.translate.component_types import (
    is_service,
    spec_type,
)
from openchoreo_catalog.providers.openchoreo.translate.dataplane import dataplane_entity
from openchoreo_catalog.providers.openchoreo.translate.domain import domain_entity
from openchoreo_catalog.providers.openchoreo.translate.environment import environment_entity
from openchoreo_catalog.providers.openchoreo.translate.errors import BadItem
from openchoreo_catalog.providers.openchoreo.translate.names import (
    ORIGINAL_NAME_ANNOTATION,
    entity_name,
    is_valid_entity_name,
)
from openchoreo_catalog.providers.openchoreo.translate.pipeline import pipeline_entity
from openchoreo_catalog.providers.openchoreo.translate.system import system_entity
from openchoreo_catalog.providers.openchoreo.translate.template import template_entity

CTX = TranslationContext(
    provider_name="OpenChoreoIncrementalEntityProvider", default_owner="team-a"
)
MANAGED = {
    "backstage.io/managed-by-location": "provider:OpenChoreoIncrementalEntityProvider",
    "backstage.io/managed-by-origin-location": "provider:OpenChoreoIncrementalEntityProvider",
}
TAG = re.compile(r"^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$")


def assert_common(entity: dict, kind: str, namespace: str) -> None:
    assert entity["kind"] == kind
    assert entity["metadata"]["namespace"] == namespace
    assert entity["metadata"]["labels"]["openchoreo.io/managed"] == "true"
    for key, value in MANAGED.items():
        assert entity["metadata"]["annotations"][key] == value
    assert all(TAG.match(t) for t in entity["metadata"]["tags"]), entity["metadata"]["tags"]
    assert is_valid_entity_name(entity["metadata"]["name"])


def test_organization_becomes_a_domain_in_default() -> None:
    entity = domain_entity(
        {
            "name": "acme",
            "displayName": "Acme Ünïcode",
            "namespace": "acme-ns",
            "createdAt": "2025-01-01T00:00:00Z",
            "status": "Ready",
        },
        CTX,
    )
    assert_common(entity, "Domain", "default")
    assert entity["apiVersion"] == "backstage.io/v1alpha1"
    assert entity["metadata"]["name"] == "acme"
    assert entity["metadata"]["title"] == "Acme Ünïcode"
    assert entity["metadata"]["description"] == "acme"
    assert entity["metadata"]["tags"] == ["openchoreo", "organization", "domain"]
    annotations = entity["metadata"]["annotations"]
    assert annotations["openchoreo.io/organization"] == "acme"
    assert annotations["openchoreo.io/namespace"] == "acme-ns"
    assert annotations["openchoreo.io/created-at"] == "2025-01-01T00:00:00Z"
    assert annotations["openchoreo.io/status"] == "Ready"
    assert entity["spec"] == {"owner": "team-a"}


def test_optional_annotations_are_absent_without_a_source_value() -> None:
    entity = domain_entity({"name": "bare", "createdAt": "2025-01-01T00:00:00Z"}, CTX)
    annotations = entity["metadata"]["annotations"]
    assert "openchoreo.io/namespace" not in annotations
    assert "openchoreo.io/status" not in annotations


def test_project_becomes_a_system_in_its_organization_namespace() -> None:
    entity = system_entity(
        {
            "uid": "u-1",
            "name": "web",
            "orgName": "acme",
            "description": "The web",
            "deploymentPipeline": "default-pipeline",
            "createdAt": "2025-01-01T00:00:00Z",
        },
        "acme",
        CTX,
    )
    assert_common(entity, "System", "acme")
    assert entity["metadata"]["title"] == "web"
    assert entity["metadata"]["description"] == "The web"
    assert entity["metadata"]["tags"] == ["openchoreo", "project"]
    annotations = entity["metadata"]["annotations"]
    assert annotations["openchoreo.io/project-id"] == "web"
    assert annotations["openchoreo.io/project-uid"] == "u-1"
    assert annotations["openchoreo.io/organization"] == "acme"
    assert annotations["openchoreo.io/deployment-pipeline"] == "default-pipeline"
    assert entity["spec"] == {
        "owner": "team-a",
        "domain": "default/acme",
        "deploymentPipelineRef": "default-pipeline",
    }


COMPONENT = {
    "uid": "c-1",
    "name": "checkout",
    "displayName": "Checkout",
    "type": "deployment/service",
    "projectName": "web",
    "orgName": "acme",
    "createdAt": "2025-01-01T00:00:00Z",
    "status": "Created",
    "componentWorkflow": {
        "name": "build",
        "systemParameters": {
            "repository": {
                "url": "https://github.com/acme/checkout",
                "revision": {"branch": "main"},
                "appPath": ".",
            }
        },
    },
}


def test_component_with_repository_and_apis() -> None:
    entity = component_entity(COMPONENT, "acme", "web", CTX, provides_apis=["checkout-http"])
    assert_common(entity, "Component", "acme")
    assert entity["spec"] == {
        "type": "service",
        "lifecycle": "created",
        "owner": "team-a",
        "system": "web",
        "providesApis": ["checkout-http"],
    }
    annotations = entity["metadata"]["annotations"]
    assert annotations["openchoreo.io/component"] == "checkout"
    assert annotations["openchoreo.io/component-uid"] == "c-1"
    assert annotations["openchoreo.io/component-type"] == "deployment/service"
    assert annotations["openchoreo.io/project"] == "web"
    assert annotations["openchoreo.io/organization"] == "acme"
    assert annotations["backstage.io/source-location"] == "url:https://github.com/acme/checkout"
    assert annotations["openchoreo.io/branch"] == "main"
    assert entity["metadata"]["tags"] == ["openchoreo", "component", "deployment", "service"]


def test_component_without_status_or_repository() -> None:
    item = {k: v for k, v in COMPONENT.items() if k not in ("status", "componentWorkflow")}
    entity = component_entity(item, "acme", "web", CTX)
    assert entity["spec"]["lifecycle"] == "unknown"
    assert "providesApis" not in entity["spec"]
    assert "backstage.io/source-location" not in entity["metadata"]["annotations"]


@pytest.mark.parametrize(
    ("raw", "service", "spec"),
    [
        ("deployment/service", True, "service"),
        ("statefulset/database", True, "database"),
        ("deployment/web-app", False, "web-app"),
        ("deployment/webapp", False, "webapp"),
        ("deployment/frontend", False, "frontend"),
        ("cronjob/scheduled-task", False, "scheduled-task"),
        ("Service", True, "service"),
        ("WebApplication", False, "website"),
        ("ScheduledTask", False, "scheduledtask"),
    ],
)
def test_component_type_rules(raw: str, service: bool, spec: str) -> None:
    assert is_service(raw) is service
    assert spec_type(raw) == spec


@pytest.mark.parametrize(
    ("endpoint_type", "expected"),
    [
        ("REST", "openapi"),
        ("HTTP", "openapi"),
        ("TCP", "openapi"),
        ("UDP", "openapi"),
        ("GraphQL", "graphql"),
        ("gRPC", "grpc"),
        ("Websocket", "asyncapi"),
        ("Other", "openapi"),
    ],
)
def test_api_types(endpoint_type: str, expected: str) -> None:
    assert api_spec_type(endpoint_type) == expected


def test_endpoint_becomes_an_api() -> None:
    entity = api_entity(
        "checkout",
        "http",
        {"type": "REST", "port": 8080, "schema": {"content": "openapi: 3.0.0"}},
        "acme",
        "web",
        CTX,
    )
    assert_common(entity, "API", "acme")
    assert entity["metadata"]["name"] == "checkout-http"
    assert entity["metadata"]["title"] == "checkout http API"
    assert entity["metadata"]["description"] == "REST endpoint for checkout service on port 8080"
    assert entity["metadata"]["tags"] == ["openchoreo", "api", "rest"]
    assert entity["spec"] == {
        "type": "openapi",
        "lifecycle": "production",
        "owner": "team-a",
        "system": "web",
        "definition": "openapi: 3.0.0",
    }
    annotations = entity["metadata"]["annotations"]
    assert annotations["openchoreo.io/endpoint-port"] == "8080"
    assert annotations["openchoreo.io/endpoint-type"] == "REST"
    assert annotations["openchoreo.io/endpoint-name"] == "http"


def test_api_without_schema_and_with_a_long_name() -> None:
    component = "c" * 40
    endpoint = "e" * 40
    entity = api_entity(component, endpoint, {"type": "gRPC", "port": 9090}, "acme", "web", CTX)
    name = entity["metadata"]["name"]
    assert len(name) <= 63
    assert is_valid_entity_name(name)
    assert name == entity_name(f"{component}-{endpoint}")  # stable
    assert entity["metadata"]["annotations"][ORIGINAL_NAME_ANNOTATION] == f"{component}-{endpoint}"
    assert entity["spec"]["definition"] == "No schema available"


@pytest.mark.parametrize(
    "endpoint", [{"type": "REST"}, {"port": 80}, {"type": "REST", "port": "80"}]
)
def test_bad_endpoints_are_bad_items(endpoint: dict) -> None:
    with pytest.raises(BadItem, match="checkout-x"):
        api_entity("checkout", "x", endpoint, "acme", "web", CTX)


def test_environment() -> None:
    entity = environment_entity(
        {
            "uid": "e-1",
            "name": "production",
            "namespace": "acme",
            "displayName": "Production",
            "dataPlaneRef": "dp-main",
            "isProduction": True,
            "dnsPrefix": "prod",
            "createdAt": "2025-01-01T00:00:00Z",
        },
        "acme",
        CTX,
    )
    assert_common(entity, "Environment", "acme")
    assert entity["spec"] == {
        "type": "production",
        "domain": "default/acme",
        "isProduction": True,
        "dataPlaneRef": "dp-main",
        "dnsPrefix": "prod",
    }
    annotations = entity["metadata"]["annotations"]
    assert annotations["openchoreo.io/environment"] == "production"
    assert annotations["openchoreo.io/data-plane-ref"] == "dp-main"
    assert annotations["openchoreo.io/is-production"] == "true"
    assert entity["metadata"]["labels"]["openchoreo.io/environment-type"] == "production"
    assert entity["metadata"]["tags"] == ["openchoreo", "environment", "production"]


def test_dataplane() -> None:
    entity = dataplane_entity(
        {
            "name": "dp-main",
            "namespace": "acme",
            "publicVirtualHost": "apps.example.com",
            "organizationVirtualHost": "internal.example.com",
            "publicHTTPPort": 80,
            "publicHTTPSPort": 443,
            "organizationHTTPPort": 8080,
            "organizationHTTPSPort": 8443,
            "createdAt": "2025-01-01T00:00:00Z",
        },
        "acme",
        CTX,
    )
    assert_common(entity, "Dataplane", "acme")
    assert entity["spec"]["type"] == "kubernetes"
    assert entity["spec"]["publicHTTPSPort"] == 443
    assert entity["metadata"]["annotations"]["openchoreo.io/public-https-port"] == "443"
    assert "openchoreo.io/observability-plane-ref" not in entity["metadata"]["annotations"]
    assert entity["metadata"]["labels"]["openchoreo.io/dataplane"] == "true"


def test_deployment_pipeline() -> None:
    entity = pipeline_entity(
        {
            "name": "default-pipeline",
            "orgName": "acme",
            "createdAt": "2025-01-01T00:00:00Z",
            "promotionPaths": [
                {
                    "sourceEnvironmentRef": "development",
                    "targetEnvironmentRefs": [{"name": "staging", "requiresApproval": True}],
                }
            ],
        },
        "acme",
        "web",
        CTX,
    )
    assert_common(entity, "DeploymentPipeline", "acme")
    assert entity["spec"] == {
        "type": "promotion-pipeline",
        "projectRef": "web",
        "organization": "acme",
        "promotionPaths": [
            {
                "sourceEnvironment": "development",
                "targetEnvironments": [
                    {"name": "staging", "requiresApproval": True, "isManualApprovalRequired": False}
                ],
            }
        ],
    }


SCHEMA = {
    "type": "object",
    "required": ["replicas"],
    "properties": {
        "replicas": {"type": "integer", "minimum": 1, "default": 1},
        "enableBackup": {"type": "boolean", "default": True},
        "notes": {"type": "string", "maxLength": 500},
    },
}


def test_component_type_with_workflows_becomes_a_four_section_template() -> None:
    entity = template_entity(
        {
            "name": "simple-service",
            "displayName": "Simple Service",
            "workloadType": "deployment",
            "allowedWorkflows": ["docker", "buildpacks"],
            "tags": ["Team A"],
            "createdAt": "2025-01-01T00:00:00Z",
        },
        SCHEMA,
        "acme",
        CTX,
    )
    assert_common(entity, "Template", "acme")
    assert entity["apiVersion"] == "scaffolder.backstage.io/v1beta3"
    assert entity["metadata"]["name"] == "template-openchoreo-simple-service"
    assert entity["metadata"]["tags"] == [
        "openchoreo",
        "component-type",
        "simple",
        "service",
        "deployment",
        "team-a",
    ]
    annotations = entity["metadata"]["annotations"]
    assert annotations["openchoreo.io/ctd-name"] == "simple-service"
    assert annotations["openchoreo.io/ctd-display-name"] == "Simple Service"
    assert annotations["openchoreo.io/ctd-generated"] == "true"
    sections = entity["spec"]["parameters"]
    assert [s["title"] for s in sections] == [
        "Component Metadata",
        "Simple Service Configuration",
        "CI Setup",
        "Addons",
    ]
    config = sections[1]
    assert config["required"] == ["replicas"]
    assert config["properties"]["enableBackup"]["ui:widget"] == "radio"
    assert config["properties"]["notes"]["ui:widget"] == "textarea"
    assert sections[2]["properties"]["useBuiltInCI"]["type"] == "boolean"
    workflow = sections[2]["dependencies"]["useBuiltInCI"]["allOf"][0]["then"]["properties"]
    assert workflow["workflow_name"]["enum"] == ["docker", "buildpacks"]
    step = entity["spec"]["steps"][0]
    assert step["action"] == "openchoreo:component:create"
    assert step["input"]["componentType"] == "simple-service"
    assert step["input"]["replicas"] == "${{ parameters.replicas }}"
    assert step["input"]["workflow_name"] == "${{ parameters.workflow_name }}"
    assert entity["spec"]["type"] == "Component Type"


def test_template_without_workflows_has_no_ci_section_and_ci_off() -> None:
    entity = template_entity(
        {"name": "cron", "workloadType": "cronjob", "createdAt": "2025-01-01T00:00:00Z"},
        {"type": "object"},
        "acme",
        CTX,
    )
    assert [s["title"] for s in entity["spec"]["parameters"]] == ["Component Metadata", "Addons"]
    step_input = entity["spec"]["steps"][0]["input"]
    assert step_input["useBuiltInCI"] is False
    assert step_input["autoDeploy"] is False
    assert entity["metadata"]["title"] == "Cron"
    assert entity["metadata"]["description"] == "Create a Cron component"


@pytest.mark.parametrize(
    ("item", "match"),
    [
        ({"displayName": "no name"}, "'name'"),
        ({"name": ""}, "'name'"),
        ({"name": 5}, "'name'"),
        ({"name": "データ"}, "no ASCII letters"),
    ],
)
def test_items_missing_required_fields_are_bad_items(item: dict, match: str) -> None:
    with pytest.raises(BadItem, match=match):
        domain_entity(item, CTX)


def test_environment_requires_is_production() -> None:
    with pytest.raises(BadItem, match="isProduction"):
        environment_entity({"name": "dev"}, "acme", CTX)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Team A", "team-a"),
        ("deployment", "deployment"),
        ("--", None),
        ("c++", "c++"),
        ("x" * 80, "x" * 63),
    ],
)
def test_tags_are_made_valid(value: str, expected: str | None) -> None:
    assert tag(value) == expected


def test_a_long_component_type_name_shortens_its_template_and_keeps_the_original() -> None:
    long_type = "a-component-type-whose-name-is-long-enough-to-overflow"
    entity = template_entity(
        {"name": long_type, "workloadType": "deployment", "createdAt": "2025-01-01T00:00:00Z"},
        None,
        "acme",
        CTX,
    )
    name = entity["metadata"]["name"]
    assert is_valid_entity_name(name)
    assert name != f"template-openchoreo-{long_type}"
    annotations = entity["metadata"]["annotations"]
    assert annotations[ORIGINAL_NAME_ANNOTATION] == f"template-openchoreo-{long_type}"
    assert annotations["openchoreo.io/ctd-name"] == long_type
