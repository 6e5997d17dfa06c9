"""The platform engineer's view: environments, data planes and a per-environment summary.

Equivalent to the seed's ``PlatformEnvironmentService`` (``platform-engineer-core-backend``),
whose answers are ``{"success": true, "data": …}``. The seed read only the first page of every
list and swallowed failures into empty answers; here every list is walked to its end and a
failure is a 502 (a summary that silently skipped components would be wrong, not partial).

``/platform/summary`` counts, per environment of the organization, the components deployed
there (those with a release binding in it) and how many of those bindings are ``Ready``
(healthy), as the seed computes them; the per-component requests run with bounded
concurrency, and a component removed between listing and reading is left out.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from openchoreo_catalog.api import params
from openchoreo_catalog.api.bff import params as p
from openchoreo_catalog.api.bff.upstream import Budget, Upstream, with_retry_on_expiry
from openchoreo_catalog.api.context import settings
from openchoreo_catalog.api.responses import json_response
from openchoreo_catalog.openchoreo import OpenChoreoClient, OpenChoreoNotFound
from openchoreo_catalog.openchoreo.models import DataPlane, Environment, ReleaseBinding

Json = dict[str, Any]
HEALTHY = "Ready"


def environment_json(env: Environment, org: str) -> Json:
    return {
        "name": env.name,
        "namespace": env.namespace,
        "displayName": env.display_name or env.name,
        "description": env.description or "",
        "organization": org,
        "dataPlaneRef": env.data_plane_ref or "",
        "isProduction": env.is_production,
        "dnsPrefix": env.dns_prefix or "",
        "createdAt": env.created_at,
        "status": env.status or "",
    }


def dataplane_json(plane: DataPlane, org: str) -> Json:
    return {
        "name": plane.name,
        "namespace": plane.namespace,
        "displayName": plane.display_name or plane.name,
        "description": plane.description or "",
        "organization": org,
        "publicVirtualHost": plane.public_virtual_host,
        "organizationVirtualHost": plane.organization_virtual_host,
        "createdAt": plane.created_at,
        "status": plane.status or "",
    }


def _optional_org(request: Request) -> str | None:
    return p.organization(request) if params.one(request, "organizationName") else None


def add_platform_routes(router: APIRouter, upstream: Upstream) -> None:
    async def orgs_of(request: Request, api: OpenChoreoClient, budget: Budget) -> list[str]:
        """The organization asked for, or every organization."""
        org = _optional_org(request)
        if org is not None:
            return [org]
        found = await with_retry_on_expiry(lambda: api.all_orgs(timeout=budget.remaining))
        return [o.name for o in found]

    @router.get("/platform/environments")
    async def platform_environments(request: Request) -> Response:
        """Environments of ``organizationName`` (or of every organization)."""
        async with upstream.call("for the platform's environments") as budget:
            api = await upstream.client(settings(request))
            orgs = await orgs_of(request, api, budget)

            async def of(org: str) -> list[Json]:
                envs = await with_retry_on_expiry(
                    lambda: api.all_environments(org, timeout=budget.remaining)
                )
                return [environment_json(env, org) for env in envs]

            per_org = await upstream.gather(of, orgs)
        return json_response({"success": True, "data": [e for envs in per_org for e in envs]})

    @router.get("/platform/dataplanes")
    async def platform_dataplanes(request: Request) -> Response:
        """Data planes of ``organizationName`` (or of every organization)."""
        async with upstream.call("for the platform's data planes") as budget:
            api = await upstream.client(settings(request))
            orgs = await orgs_of(request, api, budget)

            async def of(org: str) -> list[Json]:
                planes = await with_retry_on_expiry(
                    lambda: api.all_dataplanes(org, timeout=budget.remaining)
                )
                return [dataplane_json(plane, org) for plane in planes]

            per_org = await upstream.gather(of, orgs)
        return json_response({"success": True, "data": [d for planes in per_org for d in planes]})

    @router.get("/platform/summary")
    async def platform_summary(request: Request) -> Response:
        """Per environment of the organization: components deployed, bindings healthy."""
        org = p.organization(request)
        async with upstream.call(f"for the summary of organization {org}") as budget:
            api = await upstream.client(settings(request))
            envs = await with_retry_on_expiry(
                lambda: api.all_environments(org, timeout=budget.remaining)
            )
            projects = await with_retry_on_expiry(
                lambda: api.all_projects(org, timeout=budget.remaining)
            )
            listings = await upstream.gather(
                lambda project: with_retry_on_expiry(
                    lambda: api.all_components(org, project.name, timeout=budget.remaining)
                ),
                projects,
            )
            components = [(c.project_name, c.name) for listed in listings for c in listed]

            async def bindings_of(pair: tuple[str, str]) -> list[ReleaseBinding] | None:
                try:
                    return await with_retry_on_expiry(
                        lambda: api.all_release_bindings(
                            org, pair[0], pair[1], timeout=budget.remaining
                        )
                    )
                except OpenChoreoNotFound:
                    return None  # removed since it was listed

            per_component = await upstream.gather(bindings_of, components)
        return json_response({"success": True, "data": summarize(org, envs, per_component)})


def summarize(
    org: str, envs: list[Environment], per_component: list[list[ReleaseBinding] | None]
) -> Json:
    """The summary's ``data`` from every component's release bindings."""
    deployed: dict[str, int] = {}
    bindings: dict[str, int] = {}
    healthy: dict[str, int] = {}
    deployed_anywhere = 0
    for found in per_component:
        if not found:
            continue
        deployed_anywhere += 1
        for env in {b.environment for b in found}:
            deployed[env] = deployed.get(env, 0) + 1
        for binding in found:
            bindings[binding.environment] = bindings.get(binding.environment, 0) + 1
            if binding.status == HEALTHY:
                healthy[binding.environment] = healthy.get(binding.environment, 0) + 1
    return {
        "organization": org,
        "environments": [
            {
                **environment_json(env, org),
                "componentCount": deployed.get(env.name, 0),
                "bindingCount": bindings.get(env.name, 0),
                "healthyBindingCount": healthy.get(env.name, 0),
            }
            for env in envs
        ],
        "totals": {
            "components": sum(1 for found in per_component if found is not None),
            "deployedComponents": deployed_anywhere,
            "bindings": sum(bindings.values()),
            "healthyBindings": sum(healthy.values()),
        },
    }
