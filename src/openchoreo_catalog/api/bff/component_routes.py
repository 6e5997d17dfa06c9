"""The BFF routes about an organization's traits and one component or project.

Equivalent to the seed's ``TraitInfoService``, ``EnvironmentInfoService``,
``DashboardInfoService``, ``BuildInfoService`` and ``CellDiagramInfoService``, with the
seed's fix applied everywhere: every list is walked to its last page (the pagination core's
``fetch_all`` behind the client's ``all_x``), except ``/traits``, which serves exactly one page
and passes ``limit``/``continue`` through so the picker can offer "Load more".
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from openchoreo_catalog.api.bff import params as p
from openchoreo_catalog.api.bff.cell_diagram import project_diagram
from openchoreo_catalog.api.bff.environments import merge
from openchoreo_catalog.api.bff.upstream import Upstream, dump, task_group, with_retry_on_expiry
from openchoreo_catalog.api.context import settings
from openchoreo_catalog.api.responses import json_response
from openchoreo_catalog.openchoreo import OpenChoreoClient, OpenChoreoNotFound
from openchoreo_catalog.openchoreo.models import Component, DeploymentPipeline
from openchoreo_catalog.pagination import MalformedPage


def _component_params(request: Request) -> tuple[str, str, str]:
    return (
        p.organization(request),
        p.required(request, "projectName"),
        p.required(request, "componentName"),
    )


def add_component_routes(router: APIRouter, upstream: Upstream) -> None:
    async def client(request: Request) -> OpenChoreoClient:
        return await upstream.client(settings(request))

    @router.get("/organizations")
    async def organizations(request: Request) -> Response:
        """Every organization (for pickers): ``{items}``."""
        async with upstream.call("for the organizations") as budget:
            api = await client(request)
            orgs = await with_retry_on_expiry(lambda: api.all_orgs(timeout=budget.remaining))
        return json_response({"items": [dump(org) for org in orgs]})

    @router.get("/traits")
    async def traits(request: Request) -> Response:
        """One page of the organization's traits: ``{items, metadata: {continue?, hasMore}}``."""
        org, limit, token = p.organization(request), p.limit(request), p.continue_token(request)
        async with upstream.call(f"for the traits of {org}"):
            page = await (await client(request)).list_traits(org, limit=limit, continue_token=token)
            if page.has_more and page.is_last:
                raise MalformedPage(
                    "the server said hasMore but sent no continue token",
                    endpoint=f"GET /orgs/{org}/traits",
                )
        metadata: dict[str, Any] = {"hasMore": not page.is_last}
        if not page.is_last:
            metadata["continue"] = page.next_token
        return json_response({"items": [dump(t) for t in page.items], "metadata": metadata})

    @router.get("/trait-schema")
    async def trait_schema(request: Request) -> Response:
        """A trait's parameter schema, as the seed returns it: ``{success, data}``."""
        org, name = p.organization(request), p.required(request, "traitName")
        async with upstream.call(f"for the schema of trait {name}"):
            schema = await (await client(request)).get_trait_schema(org, name)
        return json_response({"success": True, "data": schema})

    @router.get("/component-traits")
    async def component_traits(request: Request) -> Response:
        """Every trait attached to the component (a JSON array)."""
        org, project, component = _component_params(request)
        async with upstream.call(f"for the traits of component {component}") as budget:
            api = await client(request)
            items = await with_retry_on_expiry(
                lambda: api.all_component_traits(org, project, component, timeout=budget.remaining)
            )
        return json_response([dump(item) for item in items])

    @router.get("/environments")
    async def environments(request: Request) -> Response:
        """The organization's environments with the component's release bindings merged in,
        in the project's promotion order (a JSON array)."""
        org, project, component = _component_params(request)
        async with upstream.call(f"for the environments of component {component}") as budget:
            api = await client(request)
            async with task_group() as group:
                envs = group.create_task(
                    with_retry_on_expiry(
                        lambda: api.all_environments(org, timeout=budget.remaining)
                    )
                )
                bindings = group.create_task(
                    with_retry_on_expiry(
                        lambda: api.all_release_bindings(
                            org, project, component, timeout=budget.remaining
                        )
                    )
                )
                pipeline = group.create_task(_pipeline(api, org, project))
        return json_response(merge(envs.result(), bindings.result(), pipeline.result()))

    @router.get("/dashboard")
    async def dashboard(request: Request) -> Response:
        """Binding counts of the component: in all, per status and per environment."""
        org, project, component = _component_params(request)
        async with upstream.call(f"for the bindings of component {component}") as budget:
            api = await client(request)
            bindings = await with_retry_on_expiry(
                lambda: api.all_bindings(org, project, component, timeout=budget.remaining)
            )
        return json_response(
            {
                "totalBindings": len(bindings),
                "byStatus": dict(Counter(b.status.status for b in bindings)),
                "byEnvironment": dict(Counter(b.environment for b in bindings)),
            }
        )

    @router.get("/builds")
    async def builds(request: Request) -> Response:
        """Every workflow run of the component, newest first (a JSON array)."""
        org, project, component = _component_params(request)
        async with upstream.call(f"for the builds of component {component}") as budget:
            api = await client(request)
            runs = await with_retry_on_expiry(
                lambda: api.all_workflow_runs(org, project, component, timeout=budget.remaining)
            )
        runs = sorted(runs, key=lambda run: run.created_at, reverse=True)
        return json_response([dump(run) for run in runs])

    @router.get("/cell-diagram")
    async def cell_diagram(request: Request) -> Response:
        """Every component of the project with its endpoints and connections."""
        org, project = p.organization(request), p.required(request, "projectName")
        async with upstream.call(f"for the cell diagram of project {project}") as budget:
            api = await client(request)
            listed = await with_retry_on_expiry(
                lambda: api.all_components(org, project, timeout=budget.remaining)
            )

            async def detail(component: Component) -> Component | None:
                try:
                    return await api.get_component(
                        org, project, component.name, include=["workload"]
                    )
                except OpenChoreoNotFound:
                    return None  # removed since it was listed: not part of the diagram

            details = await upstream.gather(detail, listed)
        found = [component for component in details if component is not None]
        return json_response(project_diagram(org, project, found))


async def _pipeline(api: OpenChoreoClient, org: str, project: str) -> DeploymentPipeline | None:
    """The project's pipeline, or ``None`` when it has none (the API's own order then)."""
    try:
        return await api.get_deployment_pipeline(org, project)
    except OpenChoreoNotFound:
        return None
