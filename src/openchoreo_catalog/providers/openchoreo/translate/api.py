"""A service's workload endpoints → API entities, one per endpoint."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openchoreo_catalog.providers.openchoreo.translate.common import (
    TranslationContext,
    entity,
    managed_annotations,
)
from openchoreo_catalog.providers.openchoreo.translate.errors import BadItem
from openchoreo_catalog.providers.openchoreo.translate.names import original_name_annotation
from openchoreo_catalog.providers.openchoreo.translate.safe import safe_entity_name

NO_SCHEMA = "No schema available"
API_SPEC_TYPES = {"graphql": "graphql", "grpc": "grpc", "websocket": "asyncapi"}


def api_spec_type(endpoint_type: str) -> str:
    """REST/HTTP/TCP/UDP/anything else → ``openapi``; GraphQL, gRPC, Websocket map by name."""
    return API_SPEC_TYPES.get(endpoint_type.lower(), "openapi")


def endpoints_of(component: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """``workload.endpoints`` as (name, endpoint) pairs in name order; empty when absent."""
    workload = component.get("workload")
    endpoints = workload.get("endpoints") if isinstance(workload, Mapping) else None
    if not isinstance(endpoints, Mapping):
        return []
    return sorted(
        ((str(name), value) for name, value in endpoints.items() if isinstance(value, Mapping)),
        key=lambda pair: pair[0],
    )


def api_raw_name(component_name: str, endpoint_name: str) -> str:
    return f"{component_name}-{endpoint_name}"


def api_entity(
    component_name: str,
    endpoint_name: str,
    endpoint: Mapping[str, Any],
    org_name: str,
    project_name: str,
    context: TranslationContext,
) -> dict[str, Any]:
    raw = api_raw_name(component_name, endpoint_name)
    endpoint_type = endpoint.get("type")
    port = endpoint.get("port")
    if not isinstance(endpoint_type, str) or not endpoint_type:
        raise BadItem("endpoint", raw, "missing or invalid required field 'type'")
    if not isinstance(port, int) or isinstance(port, bool):
        raise BadItem("endpoint", raw, "missing or invalid required field 'port'")
    name = safe_entity_name(raw, "endpoint")
    schema = endpoint.get("schema")
    content = schema.get("content") if isinstance(schema, Mapping) else None
    annotations = managed_annotations(context)
    annotations.update(
        {
            "openchoreo.io/component": component_name,
            "openchoreo.io/endpoint-name": endpoint_name,
            "openchoreo.io/endpoint-type": endpoint_type,
            "openchoreo.io/endpoint-port": str(port),
            "openchoreo.io/project": project_name,
            "openchoreo.io/organization": org_name,
        }
    )
    annotations.update(original_name_annotation(raw, name))
    return entity(
        "API",
        name=name,
        namespace=safe_entity_name(org_name, "organization"),
        title=f"{component_name} {endpoint_name} API",
        description=f"{endpoint_type} endpoint for {component_name} service on port {port}",
        annotations=annotations,
        tag_values=["openchoreo", "api", endpoint_type],
        spec={
            "type": api_spec_type(endpoint_type),
            "lifecycle": "production",
            "owner": context.default_owner,
            "system": safe_entity_name(project_name, "project"),
            "definition": content if isinstance(content, str) and content else NO_SCHEMA,
        },
    )
