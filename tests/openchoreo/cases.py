"""Every list endpoint of the client, with the ground truth it must return.

Expected names come from the simulator's ground truth (``/__admin/dataset``) and, for a
component's own lists, from the generators themselves — never from the client or from the
pages the server produced.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.pagination import Page
from openchoreo_catalog.simulator import component_resources

Walk = Callable[[OpenChoreoClient, int | None], Awaitable[list[Any]]]
PageCall = Callable[[OpenChoreoClient, int | None, str | None], Awaitable[Page[Any]]]


@dataclass(frozen=True)
class ListCase:
    kind: str
    path: str
    """The request path (for matching the simulator's request log)."""
    walk: Walk
    page: PageCall
    expected: list[str]
    """Names (bindings: names too), in the server's order."""


ORG_KINDS = {
    "environments": "environments",
    "dataplanes": "dataplanes",
    "buildplanes": "buildplanes",
    "component_types": "componentTypes",
    "workflows": "workflows",
    "component_workflows": "componentWorkflows",
    "traits": "traits",
    "secret_references": "secretReferences",
}
COMPONENT_KINDS = {
    "component_traits": ("traits", component_resources.component_traits),
    "workflow_runs": ("workflow-runs", component_resources.workflow_runs),
    "bindings": ("bindings", component_resources.bindings),
    "component_releases": ("component-releases", component_resources.component_releases),
    "release_bindings": ("release-bindings", component_resources.release_bindings),
}


def _method(client: OpenChoreoClient, name: str) -> Any:
    return getattr(client, name)


def list_cases(truth: dict[str, Any], seed: int) -> list[ListCase]:
    """One case per list endpoint, each picked so the list has several items."""
    orgs = truth["orgs"]
    org = orgs[-1]
    org_name = org["org"]["name"]
    project = org["projects"][1]
    project_name = project["project"]["name"]
    base = f"/api/v1/orgs/{org_name}"
    cases = [
        ListCase(
            "orgs",
            "/api/v1/orgs",
            lambda c, limit: c.all_orgs(limit=limit),
            lambda c, limit, token: c.list_orgs(limit=limit, continue_token=token),
            [o["org"]["name"] for o in orgs],
        ),
        ListCase(
            "projects",
            f"{base}/projects",
            lambda c, limit: c.all_projects(org_name, limit=limit),
            lambda c, limit, token: c.list_projects(org_name, limit=limit, continue_token=token),
            [p["project"]["name"] for p in org["projects"]],
        ),
        ListCase(
            "components",
            f"{base}/projects/{project_name}/components",
            lambda c, limit: c.all_components(org_name, project_name, limit=limit),
            lambda c, limit, token: c.list_components(
                org_name, project_name, limit=limit, continue_token=token
            ),
            [c["name"] for c in project["components"]],
        ),
    ]
    for method, key in ORG_KINDS.items():
        segment = method.replace("_", "-")
        cases.append(
            ListCase(
                method,
                f"{base}/{segment}",
                lambda c, limit, m=method: _method(c, f"all_{m}")(org_name, limit=limit),
                lambda c, limit, token, m=method: _method(c, f"list_{m}")(
                    org_name, limit=limit, continue_token=token
                ),
                [item["name"] for item in org[key]],
            )
        )
    components = [
        (o["org"]["name"], p["project"]["name"], c)
        for o in orgs
        for p in o["projects"]
        for c in p["components"]
    ]
    for method, (segment, generate) in COMPONENT_KINDS.items():
        o_name, p_name, component = max(components, key=lambda t, g=generate: len(g(seed, t[2])))
        c_name = component["name"]
        cases.append(
            ListCase(
                method,
                f"/api/v1/orgs/{o_name}/projects/{p_name}/components/{c_name}/{segment}",
                lambda c, limit, m=method, o=o_name, p=p_name, n=c_name: _method(c, f"all_{m}")(
                    o, p, n, limit=limit
                ),
                lambda c, limit, token, m=method, o=o_name, p=p_name, n=c_name: _method(
                    c, f"list_{m}"
                )(o, p, n, limit=limit, continue_token=token),
                [item["name"] for item in generate(seed, component)],
            )
        )
    return cases


LIST_KINDS = [
    "orgs",
    "projects",
    "components",
    *ORG_KINDS,
    *COMPONENT_KINDS,
]
