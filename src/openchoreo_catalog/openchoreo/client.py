"""The OpenChoreo API client: one typed method per endpoint the project needs.

Each list exists twice: ``list_x(..., limit=None, continue_token=None)`` fetches one page (for
walkers that keep their own cursor, like the incremental provider), and ``all_x(...)`` walks
the whole list through :func:`openchoreo_catalog.pagination.fetch_all` (stall detection, one
deadline, cancellation). Limits are clamped to the server's [1, 512]; ``None`` means the
client's ``page_size``.

Usage::

    async with OpenChoreoClient("http://openchoreo:8080/api/v1", token=token) as client:
        for org in await client.all_orgs():
            page = await client.list_projects(org.name, limit=512)

Failures: :mod:`openchoreo_catalog.openchoreo.errors` (not found, auth, unavailable after
retries, protocol) and, for lists, the pagination errors (``ContinueTokenExpired``,
``InvalidContinueToken``, ``PaginationStalled``, ``PaginationTimeout``,
``PaginationCancelled``, ``MalformedPage``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from openchoreo_catalog.openchoreo.base import DEFAULT_WALK_TIMEOUT, BaseOpenChoreoClient
from openchoreo_catalog.openchoreo.models import (
    Binding,
    BuildPlane,
    Component,
    ComponentRelease,
    ComponentTrait,
    ComponentType,
    DataPlane,
    DeploymentPipeline,
    Environment,
    JsonSchema,
    Organization,
    Project,
    ReleaseBinding,
    SecretReference,
    Trait,
    Workflow,
    WorkflowRun,
)
from openchoreo_catalog.pagination import Page

_ORG = "/orgs/{orgName}"
_PROJECT = _ORG + "/projects/{projectName}"
_COMPONENT = _PROJECT + "/components/{componentName}"


class OpenChoreoClient(BaseOpenChoreoClient):
    """Async client of the organization-era OpenChoreo API (``base_url`` ends in ``/api/v1``)."""

    # -- single resources ------------------------------------------------------------------

    async def get_org(self, org: str) -> Organization:
        return await self._get_one(_ORG, Organization, {"orgName": org})

    async def get_project(self, org: str, project: str) -> Project:
        return await self._get_one(_PROJECT, Project, {"orgName": org, "projectName": project})

    async def get_component(
        self, org: str, project: str, component: str, *, include: Sequence[str] = ()
    ) -> Component:
        """One component with ``componentWorkflow``; ``include=["workload"]`` adds endpoints."""
        params = {"orgName": org, "projectName": project, "componentName": component}
        query = {"include": ",".join(include)} if include else None
        return await self._get_one(_COMPONENT, Component, params, query)

    async def get_deployment_pipeline(self, org: str, project: str) -> DeploymentPipeline:
        return await self._get_one(
            _PROJECT + "/deployment-pipeline",
            DeploymentPipeline,
            {"orgName": org, "projectName": project},
        )

    async def get_component_type_schema(self, org: str, component_type: str) -> JsonSchema:
        return await self._get_one(
            _ORG + "/component-types/{ctName}/schema",
            JsonSchema,
            {"orgName": org, "ctName": component_type},
        )

    async def get_trait_schema(self, org: str, trait: str) -> JsonSchema:
        return await self._get_one(
            _ORG + "/traits/{traitName}/schema", JsonSchema, {"orgName": org, "traitName": trait}
        )

    async def get_workflow_schema(self, org: str, workflow: str) -> JsonSchema:
        return await self._get_one(
            _ORG + "/workflows/{workflowName}/schema",
            JsonSchema,
            {"orgName": org, "workflowName": workflow},
        )

    async def get_component_workflow_schema(self, org: str, workflow: str) -> JsonSchema:
        return await self._get_one(
            _ORG + "/component-workflows/{cwName}/schema",
            JsonSchema,
            {"orgName": org, "cwName": workflow},
        )

    # -- lists: one page (list_x) and the whole list (all_x) --------------------------------

    async def list_orgs(
        self, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[Organization]:
        """Organizations: one page."""
        return await self._get_page("/orgs", Organization, {}, limit, continue_token)

    async def all_orgs(
        self,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[Organization]:
        """Organizations: every page."""
        return await self._walk("/orgs", Organization, {}, limit, timeout, cancel)

    async def list_projects(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[Project]:
        """Projects of an organization: one page."""
        return await self._get_page(
            _ORG + "/projects", Project, {"orgName": org}, limit, continue_token
        )

    async def all_projects(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[Project]:
        """Projects of an organization: every page."""
        return await self._walk(
            _ORG + "/projects", Project, {"orgName": org}, limit, timeout, cancel
        )

    async def list_components(
        self, org: str, project: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[Component]:
        """Components of a project (no ``workload``: see :meth:`get_component`): one page."""
        return await self._get_page(
            _PROJECT + "/components",
            Component,
            {"orgName": org, "projectName": project},
            limit,
            continue_token,
        )

    async def all_components(
        self,
        org: str,
        project: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[Component]:
        """Components of a project (no ``workload``: see :meth:`get_component`): every page."""
        return await self._walk(
            _PROJECT + "/components",
            Component,
            {"orgName": org, "projectName": project},
            limit,
            timeout,
            cancel,
        )

    async def list_environments(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[Environment]:
        """Environments of an organization: one page."""
        return await self._get_page(
            _ORG + "/environments", Environment, {"orgName": org}, limit, continue_token
        )

    async def all_environments(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[Environment]:
        """Environments of an organization: every page."""
        return await self._walk(
            _ORG + "/environments", Environment, {"orgName": org}, limit, timeout, cancel
        )

    async def list_dataplanes(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[DataPlane]:
        """Data planes of an organization: one page."""
        return await self._get_page(
            _ORG + "/dataplanes", DataPlane, {"orgName": org}, limit, continue_token
        )

    async def all_dataplanes(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[DataPlane]:
        """Data planes of an organization: every page."""
        return await self._walk(
            _ORG + "/dataplanes", DataPlane, {"orgName": org}, limit, timeout, cancel
        )

    async def list_buildplanes(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[BuildPlane]:
        """Build planes of an organization: one page."""
        return await self._get_page(
            _ORG + "/buildplanes", BuildPlane, {"orgName": org}, limit, continue_token
        )

    async def all_buildplanes(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[BuildPlane]:
        """Build planes of an organization: every page."""
        return await self._walk(
            _ORG + "/buildplanes", BuildPlane, {"orgName": org}, limit, timeout, cancel
        )

    async def list_component_types(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[ComponentType]:
        """Component types of an organization: one page."""
        return await self._get_page(
            _ORG + "/component-types", ComponentType, {"orgName": org}, limit, continue_token
        )

    async def all_component_types(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[ComponentType]:
        """Component types of an organization: every page."""
        return await self._walk(
            _ORG + "/component-types", ComponentType, {"orgName": org}, limit, timeout, cancel
        )

    async def list_workflows(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[Workflow]:
        """Workflows of an organization: one page."""
        return await self._get_page(
            _ORG + "/workflows", Workflow, {"orgName": org}, limit, continue_token
        )

    async def all_workflows(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[Workflow]:
        """Workflows of an organization: every page."""
        return await self._walk(
            _ORG + "/workflows", Workflow, {"orgName": org}, limit, timeout, cancel
        )

    async def list_component_workflows(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[Workflow]:
        """Component workflows of an organization: one page."""
        return await self._get_page(
            _ORG + "/component-workflows", Workflow, {"orgName": org}, limit, continue_token
        )

    async def all_component_workflows(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[Workflow]:
        """Component workflows of an organization: every page."""
        return await self._walk(
            _ORG + "/component-workflows", Workflow, {"orgName": org}, limit, timeout, cancel
        )

    async def list_traits(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[Trait]:
        """Traits of an organization: one page."""
        return await self._get_page(
            _ORG + "/traits", Trait, {"orgName": org}, limit, continue_token
        )

    async def all_traits(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[Trait]:
        """Traits of an organization: every page."""
        return await self._walk(_ORG + "/traits", Trait, {"orgName": org}, limit, timeout, cancel)

    async def list_secret_references(
        self, org: str, *, limit: int | None = None, continue_token: str | None = None
    ) -> Page[SecretReference]:
        """Secret references of an organization: one page."""
        return await self._get_page(
            _ORG + "/secret-references", SecretReference, {"orgName": org}, limit, continue_token
        )

    async def all_secret_references(
        self,
        org: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[SecretReference]:
        """Secret references of an organization: every page."""
        return await self._walk(
            _ORG + "/secret-references", SecretReference, {"orgName": org}, limit, timeout, cancel
        )

    async def list_component_traits(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        continue_token: str | None = None,
    ) -> Page[ComponentTrait]:
        """Traits attached to a component: one page."""
        return await self._get_page(
            _COMPONENT + "/traits",
            ComponentTrait,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            continue_token,
        )

    async def all_component_traits(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[ComponentTrait]:
        """Traits attached to a component: every page."""
        return await self._walk(
            _COMPONENT + "/traits",
            ComponentTrait,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            timeout,
            cancel,
        )

    async def list_workflow_runs(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        continue_token: str | None = None,
    ) -> Page[WorkflowRun]:
        """Workflow runs (builds) of a component: one page."""
        return await self._get_page(
            _COMPONENT + "/workflow-runs",
            WorkflowRun,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            continue_token,
        )

    async def all_workflow_runs(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[WorkflowRun]:
        """Workflow runs (builds) of a component: every page."""
        return await self._walk(
            _COMPONENT + "/workflow-runs",
            WorkflowRun,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            timeout,
            cancel,
        )

    async def list_bindings(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        continue_token: str | None = None,
    ) -> Page[Binding]:
        """Bindings of a component, one per environment (cursor ``env:<name>``): one page."""
        return await self._get_page(
            _COMPONENT + "/bindings",
            Binding,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            continue_token,
        )

    async def all_bindings(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[Binding]:
        """Bindings of a component, one per environment (cursor ``env:<name>``): every page."""
        return await self._walk(
            _COMPONENT + "/bindings",
            Binding,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            timeout,
            cancel,
        )

    async def list_component_releases(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        continue_token: str | None = None,
    ) -> Page[ComponentRelease]:
        """Releases of a component: one page."""
        return await self._get_page(
            _COMPONENT + "/component-releases",
            ComponentRelease,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            continue_token,
        )

    async def all_component_releases(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[ComponentRelease]:
        """Releases of a component: every page."""
        return await self._walk(
            _COMPONENT + "/component-releases",
            ComponentRelease,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            timeout,
            cancel,
        )

    async def list_release_bindings(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        continue_token: str | None = None,
    ) -> Page[ReleaseBinding]:
        """Release bindings of a component: one page."""
        return await self._get_page(
            _COMPONENT + "/release-bindings",
            ReleaseBinding,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            continue_token,
        )

    async def all_release_bindings(
        self,
        org: str,
        project: str,
        component: str,
        *,
        limit: int | None = None,
        timeout: float | None = DEFAULT_WALK_TIMEOUT,
        cancel: asyncio.Event | None = None,
    ) -> list[ReleaseBinding]:
        """Release bindings of a component: every page."""
        return await self._walk(
            _COMPONENT + "/release-bindings",
            ReleaseBinding,
            {"orgName": org, "projectName": project, "componentName": component},
            limit,
            timeout,
            cancel,
        )
