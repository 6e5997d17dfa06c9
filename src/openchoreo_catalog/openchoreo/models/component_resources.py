"""What hangs off one component: traits, workflow runs (builds), bindings, releases."""

from __future__ import annotations

from typing import Any

from openchoreo_catalog.openchoreo.models.base import ApiModel
from openchoreo_catalog.openchoreo.models.workload import ComponentWorkflow


class ComponentTrait(ApiModel):
    name: str
    instance_name: str
    parameters: dict[str, Any] | None = None


class WorkflowRun(ApiModel):
    name: str
    uuid: str
    component_name: str
    project_name: str
    org_name: str
    created_at: str
    commit: str | None = None
    status: str | None = None
    image: str | None = None
    workflow: ComponentWorkflow | None = None


class BindingStatus(ApiModel):
    reason: str
    message: str
    status: str
    last_transitioned: str


class Binding(ApiModel):
    name: str
    type: str
    component_name: str
    project_name: str
    org_name: str
    environment: str
    status: BindingStatus
    service_binding: dict[str, Any] | None = None
    web_application_binding: dict[str, Any] | None = None
    scheduled_task_binding: dict[str, Any] | None = None


class ComponentRelease(ApiModel):
    name: str
    component_name: str
    project_name: str
    org_name: str
    created_at: str
    status: str | None = None


class ReleaseBinding(ApiModel):
    """``releaseName`` is required by the spec but ``omitempty`` in Go: optional here."""

    name: str
    component_name: str
    project_name: str
    org_name: str
    environment: str
    created_at: str
    release_name: str | None = None
    component_type_env_overrides: dict[str, Any] | None = None
    trait_overrides: dict[str, Any] | None = None
    workload_overrides: dict[str, Any] | None = None
    status: str | None = None
