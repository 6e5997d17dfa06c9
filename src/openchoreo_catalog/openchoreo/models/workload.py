"""A component's workload (``GET …/components/{c}?include=workload``) and its build workflow.

The workload is the Go ``WorkloadSpec``: containers, endpoints (what API entities come from)
and connections. The spec leaves it untyped; these models type the parts the catalog reads.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from openchoreo_catalog.openchoreo.models.base import ApiModel

ENDPOINT_TYPES = ("HTTP", "REST", "gRPC", "GraphQL", "Websocket", "TCP", "UDP")
"""Endpoint types the server knows; others are accepted as-is (newer servers)."""


class EndpointSchema(ApiModel):
    type: str | None = None
    content: str | None = None


class WorkloadEndpoint(ApiModel):
    type: str
    port: int
    schema_: EndpointSchema | None = Field(default=None, alias="schema")


class Container(ApiModel):
    image: str
    command: list[str] | None = None
    args: list[str] | None = None
    env: list[dict[str, Any]] | None = None
    files: list[dict[str, Any]] | None = None


class Connection(ApiModel):
    type: str
    params: dict[str, Any] = Field(default_factory=dict)
    inject: dict[str, Any] | None = None


class WorkloadOwner(ApiModel):
    project_name: str
    component_name: str


class Workload(ApiModel):
    owner: WorkloadOwner | None = None
    containers: dict[str, Container] = Field(default_factory=dict)
    endpoints: dict[str, WorkloadEndpoint] = Field(default_factory=dict)
    connections: dict[str, Connection] = Field(default_factory=dict)


class RepositoryRevision(ApiModel):
    branch: str
    commit: str | None = None


class Repository(ApiModel):
    url: str
    revision: RepositoryRevision | None = None
    app_path: str | None = None


class SystemParameters(ApiModel):
    repository: Repository | None = None


class ComponentWorkflow(ApiModel):
    """The build workflow of a component (single GET only) or of one workflow run."""

    name: str
    system_parameters: SystemParameters | None = None
    parameters: dict[str, Any] | None = None
