"""A project as a cell diagram: every component with its endpoints and its connections.

The shape is the ``Project`` model of ``@wso2/cell-diagram`` that the seed's
``CellDiagramInfoService`` returns: components with ``services`` (one per workload endpoint)
and ``connections`` (one per workload connection, internal when it targets a component of the
same project). The seed read only the first page of components, so large projects lost
components from their diagram; here the caller passes every component (all pages).
"""

from __future__ import annotations

from typing import Any

from openchoreo_catalog.openchoreo.models import Component, Connection

Json = dict[str, Any]

SCHEDULED_TASK = "scheduled-task"
WEB_APP = "web-app"
SERVICE = "service"


def component_kind(component: Component) -> str:
    """``scheduled-task``, ``web-app`` or ``service`` for the diagram."""
    kind = component.type.lower()
    name = component.component_type_name.lower()
    if kind.startswith("cronjob/") or name in ("scheduledtask", "scheduled-task"):
        return SCHEDULED_TASK
    if name in ("web-app", "webapplication"):
        return WEB_APP
    return SERVICE


def project_diagram(org: str, project: str, components: list[Component]) -> Json:
    """The ``Project`` for ``components`` (each fetched with its workload)."""
    names = {c.name for c in components}
    return {
        "id": project,
        "name": project,
        "modelVersion": "1.0.0",
        "components": [_component(org, project, c, names) for c in components],
        "connections": [],
        "configurations": [],
    }


def _component(org: str, project: str, component: Component, names: set[str]) -> Json:
    kind = component_kind(component)
    workload = component.workload
    services: dict[str, Json] = {}
    if kind == SCHEDULED_TASK:
        services["main"] = _service(component.name, "ScheduledTask", exposed=None)
    else:
        for endpoint_name, endpoint in (workload.endpoints if workload else {}).items():
            services[endpoint_name] = _service(component.name, endpoint.type, exposed=True)
            if endpoint.type.upper() == "HTTP":
                kind = WEB_APP  # the seed draws a component serving HTTP as a web app
        if not services:
            services["main"] = _service(component.name, "SERVICE", exposed=False)
    connections = [
        _connection(org, project, name, connection, names)
        for name, connection in (workload.connections if workload else {}).items()
    ]
    return {
        "id": component.name,
        "label": component.display_name or component.name,
        "version": "1.0.0",
        "type": kind,
        "componentType": component.type,
        "services": services,
        "connections": connections,
    }


def _service(name: str, kind: str, *, exposed: bool | None) -> Json:
    service: Json = {"id": name, "label": name, "type": kind, "dependencyIds": []}
    if exposed is not None:
        service["deploymentMetadata"] = {
            "gateways": {
                "internet": {"isExposed": False},
                "intranet": {"isExposed": exposed},
            }
        }
    return service


def _connection(
    org: str, project: str, label: str, connection: Connection, names: set[str]
) -> Json:
    params = connection.params
    target = str(params.get("componentName") or "")
    target_project = str(params.get("projectName") or project)
    endpoint = str(params.get("endpoint") or "")
    internal = target_project == project and target in names
    return {
        "id": f"{org}:{target_project}:{target}:{endpoint}",
        "label": label,
        "type": "http",
        "onPlatform": internal,
        "tooltip": f"Connection to {target} in {target_project}",
    }
