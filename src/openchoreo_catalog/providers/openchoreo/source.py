"""Raw access to the OpenChoreo API for the providers: pages of JSON items, not models.

The providers validate and translate item by item (one bad item is skipped with a warning,
the rest of the page is kept), so they read pages through the client's raw variants. Every
request goes through one per-burst :class:`Window`, so list pages, component details,
schemas and pipelines together never exceed ``maxConcurrentRequests`` in flight (list pages
first); the client adds its optional requests-per-second limit beneath.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from openchoreo_catalog.openchoreo import OpenChoreoClient, OpenChoreoNotFound
from openchoreo_catalog.pagination import (
    ContinueTokenExpired,
    MalformedPage,
    Page,
    PaginationStalled,
)
from openchoreo_catalog.providers.openchoreo.metrics import count_expired
from openchoreo_catalog.providers.openchoreo.window import Window

ORGS = "/orgs"
ORG = "/orgs/{orgName}"
PROJECTS = ORG + "/projects"
PROJECT = PROJECTS + "/{projectName}"
PIPELINE = PROJECT + "/deployment-pipeline"
COMPONENTS = PROJECT + "/components"
COMPONENT = COMPONENTS + "/{componentName}"
SCHEMA = ORG + "/component-types/{ctName}/schema"
ORG_LISTS = {
    "environments": ORG + "/environments",
    "dataplanes": ORG + "/dataplanes",
    "componentTypes": ORG + "/component-types",
}

# 404 codes that say the parent itself is gone (as opposed to an endpoint this server lacks).
ORG_GONE = "ORGANIZATION_NOT_FOUND"
PROJECT_GONE = "PROJECT_NOT_FOUND"
GONE_CODES = frozenset(
    {ORG_GONE, PROJECT_GONE, "COMPONENT_NOT_FOUND", "COMPONENT_TYPE_NOT_FOUND", "NOT_FOUND"}
)


def is_gone(error: BaseException, *codes: str) -> bool:
    """A 404 whose code says one of ``codes`` no longer exists."""
    return isinstance(error, OpenChoreoNotFound) and error.code in codes


@dataclass
class Source:
    """The endpoints the providers read, each call bounded by the burst's window."""

    client: OpenChoreoClient
    window: Window
    page_size: int

    async def page(
        self,
        template: str,
        params: Mapping[str, str],
        token: str | None,
        limit: int | None = None,
    ) -> Page[Any]:
        """One list page; ``limit`` defaults to the configured page size."""
        async with self.window.slot(urgent=True):
            return await self.client.page_raw(
                template, params, limit=limit or self.page_size, continue_token=token
            )

    async def get(
        self, template: str, params: Mapping[str, str], query: Mapping[str, str] | None = None
    ) -> Any:
        async with self.window.slot():
            return await self.client.get_raw(template, params, query)

    # -- named conveniences ----------------------------------------------------------------

    async def org(self, org: str) -> Any:
        return await self.get(ORG, {"orgName": org})

    async def project(self, org: str, project: str) -> Any:
        return await self.get(PROJECT, {"orgName": org, "projectName": project})

    async def component(self, org: str, project: str, component: str) -> Any:
        """A component with ``workload`` (endpoints) and ``componentWorkflow`` (repository)."""
        params = {"orgName": org, "projectName": project, "componentName": component}
        return await self.get(COMPONENT, params, {"include": "workload"})

    async def pipeline(self, org: str, project: str) -> Any:
        return await self.get(PIPELINE, {"orgName": org, "projectName": project})

    async def component_type_schema(self, org: str, component_type: str) -> Any:
        return await self.get(SCHEMA, {"orgName": org, "ctName": component_type})


MAX_RELISTS = 5
"""How many times one listing is restarted after expired tokens before giving up."""


async def walk_raw(source: Source, template: str, params: Mapping[str, str]) -> list[Any]:
    """Every item of a list, restarting the listing (a bounded number of times) on a 410.

    For the full-sync provider and events, which hold whole lists anyway.
    """
    endpoint = f"GET {template}"
    attempts = 0
    while True:
        items: list[Any] = []
        seen: set[str] = set()
        token: str | None = None
        try:
            while True:
                page = await source.page(template, params, token)
                if page.has_more and not page.next_token:
                    raise MalformedPage("hasMore without a continue token", endpoint=endpoint)
                items.extend(page.items)
                if page.next_token is None:
                    return items
                if page.next_token in seen:
                    raise PaginationStalled("a continue token came back twice", endpoint=endpoint)
                token = page.next_token
                seen.add(token)
        except ContinueTokenExpired:
            attempts += 1
            count_expired(template)
            if attempts >= MAX_RELISTS:
                raise
