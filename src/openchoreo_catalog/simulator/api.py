"""The OpenChoreo API routes under ``/api/v1``: matching a path, and answering it.

Routing is a few comparisons on path segments (no regular expressions, no framework): the
whole table is below, one entry per endpoint the client has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openchoreo_catalog.simulator import platform
from openchoreo_catalog.simulator.listing import ListContext, parse_limit, serve, serve_bindings
from openchoreo_catalog.simulator.world import COMPONENT_KINDS, ORG_KINDS

Item = dict[str, Any]
Handler = Callable[[ListContext, list[str]], Any]

_SCHEMAS: dict[str, tuple[str, str, str, Callable[[str], Item]]] = {
    # kind: (path parameter, 404 code, 404 message, schema factory)
    "component-types": (
        "ctName",
        "COMPONENT_TYPE_NOT_FOUND",
        "Component type not found",
        platform.component_type_schema,
    ),
    "traits": ("traitName", "TRAIT_NOT_FOUND", "Trait not found", platform.trait_schema),
    "workflows": (
        "workflowName",
        "WORKFLOW_NOT_FOUND",
        "Workflow not found",
        platform.workflow_schema,
    ),
    "component-workflows": (
        "cwName",
        "WORKFLOW_NOT_FOUND",
        "Component workflow not found",
        platform.workflow_schema,
    ),
}


@dataclass(frozen=True, slots=True)
class Route:
    template: str
    """``/orgs/{orgName}/projects``: what request counts are keyed by."""
    handler: Handler
    paged: bool


def match(segments: list[str]) -> tuple[Route, list[str]] | None:
    """The route for ``segments`` (the path after ``/api/v1``) and its path parameters."""
    n = len(segments)
    if n == 0 or segments[0] != "orgs":
        return None
    if n == 1:
        return _ORGS, []
    org = segments[1]
    if n == 2:
        return _ORG, [org]
    kind = segments[2]
    if n == 3:
        if kind == "projects":
            return _PROJECTS, [org]
        route = _ORG_LISTS.get(kind)
        return (route, [org]) if route else None
    if n == 5 and segments[4] == "schema" and kind in _SCHEMAS:
        return _SCHEMA_ROUTES[kind], [org, segments[3]]
    if kind != "projects":
        return None
    project = segments[3]
    if n == 4:
        return _PROJECT, [org, project]
    if n == 5:
        if segments[4] == "components":
            return _COMPONENTS, [org, project]
        if segments[4] == "deployment-pipeline":
            return _PIPELINE, [org, project]
        return None
    if segments[4] != "components":
        return None
    component = segments[5]
    if n == 6:
        return _COMPONENT, [org, project, component]
    if n == 7:
        route = _COMPONENT_LISTS.get(segments[6])
        return (route, [org, project, component]) if route else None
    return None


def _list_orgs(ctx: ListContext, _: list[str]) -> Item:
    return serve(ctx, ctx.world.orgs())


def _get_org(ctx: ListContext, p: list[str]) -> Item:
    return ctx.world.org(p[0])


def _list_projects(ctx: ListContext, p: list[str]) -> Item:
    ctx.world.org(p[0])
    return serve(ctx, ctx.world.projects(p[0]))


def _get_project(ctx: ListContext, p: list[str]) -> Item:
    return ctx.world.project(p[0], p[1])


def _get_pipeline(ctx: ListContext, p: list[str]) -> Item:
    return ctx.world.pipeline(p[0], p[1])


def _list_components(ctx: ListContext, p: list[str]) -> Item:
    ctx.world.project(p[0], p[1])
    return serve(ctx, ctx.world.components(p[0], p[1]), strip_detail=True)


def _get_component(ctx: ListContext, p: list[str]) -> Item:
    item = ctx.world.component(p[0], p[1], p[2])
    include = {part.strip() for part in ctx.query.get("include", "").split(",")}
    if "workload" in include:
        return item
    return {k: v for k, v in item.items() if k != "workload"}


def _org_list(kind: str) -> Handler:
    def handler(ctx: ListContext, p: list[str]) -> Item:
        ctx.world.org(p[0])
        return serve(ctx, ctx.world.org_collection(kind, p[0]))

    return handler


def _component_list(kind: str) -> Handler:
    def handler(ctx: ListContext, p: list[str]) -> Item:
        component = ctx.world.component(p[0], p[1], p[2])
        if kind == "bindings":
            return serve_bindings(ctx, COMPONENT_KINDS[kind](ctx.world.seed, component))
        return serve(ctx, ctx.world.component_collection(kind, component))

    return handler


def _schema(kind: str) -> Handler:
    _, code, message, factory = _SCHEMAS[kind]

    def handler(ctx: ListContext, p: list[str]) -> Item:
        item = ctx.world.org_item(kind, p[0], p[1], code, message)
        return factory(str(item["name"]))

    return handler


def limit_for(route: Route, query: dict[str, str]) -> int:
    """The page size a request asks for (400 first, as the real handlers check it first)."""
    return parse_limit(query) if route.paged else 0


_ORG_T = "/orgs/{orgName}"
_PROJECT_T = _ORG_T + "/projects/{projectName}"
_COMPONENT_T = _PROJECT_T + "/components/{componentName}"

_ORGS = Route("/orgs", _list_orgs, True)
_ORG = Route(_ORG_T, _get_org, False)
_PROJECTS = Route(_ORG_T + "/projects", _list_projects, True)
_PROJECT = Route(_PROJECT_T, _get_project, False)
_PIPELINE = Route(_PROJECT_T + "/deployment-pipeline", _get_pipeline, False)
_COMPONENTS = Route(_PROJECT_T + "/components", _list_components, True)
_COMPONENT = Route(_COMPONENT_T, _get_component, False)
_ORG_LISTS = {kind: Route(f"{_ORG_T}/{kind}", _org_list(kind), True) for kind in ORG_KINDS}
_COMPONENT_LISTS = {
    kind: Route(f"{_COMPONENT_T}/{kind}", _component_list(kind), True) for kind in COMPONENT_KINDS
}
_SCHEMA_ROUTES = {
    kind: Route(f"{_ORG_T}/{kind}/{{{spec[0]}}}/schema", _schema(kind), False)
    for kind, spec in _SCHEMAS.items()
}

ALL_ROUTES = (
    _ORGS,
    _ORG,
    _PROJECTS,
    _PROJECT,
    _PIPELINE,
    _COMPONENTS,
    _COMPONENT,
    *_ORG_LISTS.values(),
    *_COMPONENT_LISTS.values(),
    *_SCHEMA_ROUTES.values(),
)
