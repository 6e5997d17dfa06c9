"""Organizations, projects and components: the hierarchy the catalog mirrors."""

from __future__ import annotations

from typing import Any

from openchoreo_catalog.openchoreo.models.base import ApiModel
from openchoreo_catalog.openchoreo.models.workload import ComponentWorkflow, Workload


class Organization(ApiModel):
    name: str
    created_at: str
    display_name: str | None = None
    description: str | None = None
    namespace: str | None = None
    status: str | None = None


class Project(ApiModel):
    uid: str
    name: str
    org_name: str
    created_at: str
    display_name: str | None = None
    description: str | None = None
    deployment_pipeline: str | None = None
    status: str | None = None
    deletion_timestamp: str | None = None


class Component(ApiModel):
    """A component. ``type`` is ``workloadType/componentTypeName`` (or legacy ``Service``).

    List items never carry ``workload`` or ``component_workflow``: the first needs
    ``get_component(..., include=["workload"])``, the second any single GET.
    """

    uid: str
    name: str
    type: str
    project_name: str
    org_name: str
    created_at: str
    display_name: str | None = None
    description: str | None = None
    deletion_timestamp: str | None = None
    status: str | None = None
    auto_deploy: bool | None = None
    workload: Workload | None = None
    component_workflow: ComponentWorkflow | None = None
    service: dict[str, Any] | None = None
    web_application: dict[str, Any] | None = None
    scheduled_task: dict[str, Any] | None = None
    api: dict[str, Any] | None = None

    @property
    def workload_type(self) -> str | None:
        """``deployment`` for ``deployment/service``; ``None`` for legacy types."""
        head, sep, _ = self.type.partition("/")
        return head if sep else None

    @property
    def component_type_name(self) -> str:
        """``service`` for ``deployment/service``; the legacy type itself otherwise."""
        _, sep, tail = self.type.partition("/")
        return tail if sep else self.type
