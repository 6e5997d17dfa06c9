"""Per-organization platform resources: environments, planes, types, traits, workflows."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from openchoreo_catalog.openchoreo.models.base import ApiModel


class Environment(ApiModel):
    uid: str
    name: str
    namespace: str
    is_production: bool
    created_at: str
    display_name: str | None = None
    description: str | None = None
    data_plane_ref: str | None = None
    dns_prefix: str | None = None
    status: str | None = None


class DataPlane(ApiModel):
    name: str
    namespace: str
    public_virtual_host: str
    organization_virtual_host: str
    public_http_port: int = Field(alias="publicHTTPPort")
    public_https_port: int = Field(alias="publicHTTPSPort")
    organization_http_port: int = Field(alias="organizationHTTPPort")
    organization_https_port: int = Field(alias="organizationHTTPSPort")
    created_at: str
    display_name: str | None = None
    description: str | None = None
    image_pull_secret_refs: list[str] | None = None
    secret_store_ref: str | None = None
    observability_plane_ref: str | None = None
    status: str | None = None


class BuildPlane(ApiModel):
    """The spec requires ``kubernetesClusterName`` and ``apiServerURL``; the Go server has
    neither (reference §2.2), so they are optional here."""

    name: str
    namespace: str
    created_at: str
    display_name: str | None = None
    description: str | None = None
    kubernetes_cluster_name: str | None = None
    api_server_url: str | None = Field(default=None, alias="apiServerURL")
    observer_url: str | None = Field(default=None, alias="observerURL")
    observer_username: str | None = None
    observability_plane_ref: str | None = None
    status: str | None = None


class ComponentType(ApiModel):
    name: str
    workload_type: str
    created_at: str
    display_name: str | None = None
    description: str | None = None
    allowed_workflows: list[str] | None = None
    tags: list[str] | None = None


class Workflow(ApiModel):
    """A workflow or a component workflow (the same shape)."""

    name: str
    created_at: str
    display_name: str | None = None
    description: str | None = None


class Trait(ApiModel):
    name: str
    created_at: str
    display_name: str | None = None
    description: str | None = None


class SecretStoreReference(ApiModel):
    name: str
    namespace: str
    kind: str


class RemoteReference(ApiModel):
    key: str
    property: str | None = None
    version: str | None = None


class SecretDataSource(ApiModel):
    secret_key: str
    remote_ref: RemoteReference


class SecretReference(ApiModel):
    name: str
    namespace: str
    created_at: str
    status: str
    display_name: str | None = None
    description: str | None = None
    secret_stores: list[SecretStoreReference] | None = None
    refresh_interval: str | None = None
    data: list[SecretDataSource] | None = None
    last_refresh_time: str | None = None


class TargetEnvironmentRef(ApiModel):
    name: str
    requires_approval: bool | None = None
    is_manual_approval_required: bool | None = None


class PromotionPath(ApiModel):
    source_environment_ref: str
    target_environment_refs: list[TargetEnvironmentRef]


class DeploymentPipeline(ApiModel):
    name: str
    org_name: str
    created_at: str
    display_name: str | None = None
    description: str | None = None
    status: str | None = None
    promotion_paths: list[PromotionPath] = Field(default_factory=list)


JsonSchema = dict[str, Any]
"""A ``/schema`` endpoint's answer: a JSON Schema object, passed through untouched."""
