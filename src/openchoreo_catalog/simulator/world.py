"""The simulated platform: generated organizations, projects and components, plus changes.

The base dataset is a pure function of the config (see ``hierarchy``/``platform``); every
change made while running bumps the global resource version and goes into an overlay, so any
listing can be served as of any resource version. Everything here runs on the server's event
loop, one request at a time, so it needs no locks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openchoreo_catalog.simulator import clock, component_resources, platform
from openchoreo_catalog.simulator.collection import Collection, Overlay, StaticSeq
from openchoreo_catalog.simulator.config import SimulatorConfig
from openchoreo_catalog.simulator.errors import SimError, invalid_input, not_found
from openchoreo_catalog.simulator.hierarchy import (
    ComponentSeq,
    OrgSeq,
    ProjectSeq,
    component_detail,
)
from openchoreo_catalog.simulator.names import digest, h64, is_k8s_name, title, uid_from

Item = dict[str, Any]
Key = tuple[str, ...]

DETAIL_KEYS = ("workload", "componentWorkflow")
"""Fields a component has only in single GETs; list items never carry them."""

ORG_KINDS: dict[str, Callable[[int, str], list[Item]]] = {
    "environments": platform.environments,
    "dataplanes": platform.dataplanes,
    "buildplanes": platform.buildplanes,
    "component-types": platform.component_types,
    "workflows": platform.workflows,
    "component-workflows": platform.component_workflows,
    "traits": platform.traits,
    "secret-references": platform.secret_references,
}
COMPONENT_KINDS: dict[str, Callable[[int, Item], list[Item]]] = {
    "traits": component_resources.component_traits,
    "workflow-runs": component_resources.workflow_runs,
    "component-releases": component_resources.component_releases,
    "release-bindings": component_resources.release_bindings,
    "bindings": component_resources.bindings,
}
INITIAL_RV = 1000


class World:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.seed = config.seed
        self.rv = INITIAL_RV
        self.token_generation = 0
        self._overlays: dict[Key, Overlay] = {}
        self._counts: dict[Key, int] = {}
        self._org_seq = OrgSeq(config.seed, config.orgs)

    # -- collections -----------------------------------------------------------------------

    def orgs(self) -> Collection:
        return Collection(self._org_seq, self._overlays.get(("orgs",)))

    def projects(self, org: str) -> Collection:
        count = self._counts.get(("projects", org))
        if count is None:
            count = self.config.projects if self._org_seq.index_of(org) is not None else 0
        return Collection(ProjectSeq(self.seed, org, count), self._overlays.get(("projects", org)))

    def components(self, org: str, project: str) -> Collection:
        count = self._counts.get(("components", org, project))
        if count is None:
            in_base = ProjectSeq(self.seed, org, self._base_project_count(org)).index_of(project)
            count = self._counts.get(("components-per-project", org), self.config.components)
            count = count if in_base is not None else 0
        seq = ComponentSeq(self.seed, org, project, count, self.config.service_fraction)
        return Collection(seq, self._overlays.get(("components", org, project)))

    def org_items(self, kind: str, org: str) -> list[Item]:
        """An organization's list of ``kind`` (``config.traits`` sets how many traits)."""
        if kind == "traits":
            return platform.traits(self.seed, org, self.config.traits)
        return ORG_KINDS[kind](self.seed, org)

    def org_collection(self, kind: str, org: str) -> Collection:
        return Collection(StaticSeq(self.org_items(kind, org)))

    def component_collection(self, kind: str, component: Item) -> Collection:
        return Collection(StaticSeq(COMPONENT_KINDS[kind](self.seed, component)))

    def _base_project_count(self, org: str) -> int:
        count = self._counts.get(("projects", org))
        if count is not None:
            return count
        return self.config.projects if self._org_seq.index_of(org) is not None else 0

    # -- lookups (404s in the real server's codes) ------------------------------------------

    def org(self, org: str, rv: int | None = None) -> Item:
        item = self.orgs().get(org, self.rv if rv is None else rv)
        if item is None:
            raise not_found("ORGANIZATION_NOT_FOUND", "Organization not found")
        return item

    def project(self, org: str, project: str, rv: int | None = None) -> Item:
        self.org(org, rv)
        item = self.projects(org).get(project, self.rv if rv is None else rv)
        if item is None:
            raise not_found("PROJECT_NOT_FOUND", "Project not found")
        return item

    def component(self, org: str, project: str, component: str, rv: int | None = None) -> Item:
        """The component with its detail fields (``workload``, ``componentWorkflow``)."""
        self.project(org, project, rv)
        collection = self.components(org, project)
        item = collection.get(component, self.rv if rv is None else rv)
        if item is None:
            raise not_found("COMPONENT_NOT_FOUND", "Component not found")
        if "workload" in item:
            return item
        index = collection.base.index_of(component)
        ordinal = index if index is not None else h64(component) % 7
        return {**item, **component_detail(self.seed, item, self.config.endpoints, ordinal)}

    def org_item(self, kind: str, org: str, name: str, code: str, message: str) -> Item:
        self.org(org)
        item = self.org_collection(kind, org).get(name, self.rv)
        if item is None:
            raise not_found(code, message)
        return item

    def pipeline(self, org: str, project: str) -> Item:
        item = self.project(org, project)
        name = item.get("deploymentPipeline") or "default-pipeline"
        return platform.deployment_pipeline(self.seed, org, str(name))

    # -- changes ---------------------------------------------------------------------------

    def _change(self, key: Key, collection: Collection, name: str, state: Item | None) -> int:
        self.rv += 1
        overlay = self._overlays.setdefault(key, Overlay())
        overlay.record(name, self.rv, state, in_base=collection.base.index_of(name) is not None)
        return self.rv

    def add_org(self, spec: dict[str, Any]) -> int:
        name = _name(spec)
        if self.orgs().get(name, self.rv) is not None:
            raise SimError(409, "CONFLICT", f"organization {name} already exists")
        item = {
            "name": name,
            "displayName": title(name),
            "description": f"The {name} organization",
            "namespace": name,
            "createdAt": clock.now(),
            "status": "Ready",
            **_fields(spec),
        }
        self._counts[("projects", name)] = _count(spec, "projects")
        self._counts[("components-per-project", name)] = _count(spec, "components")
        return self._change(("orgs",), self.orgs(), name, item)

    def update_org(self, org: str, spec: dict[str, Any]) -> int:
        item = {**self.org(org), **_fields(spec)}
        return self._change(("orgs",), self.orgs(), org, item)

    def remove_org(self, org: str) -> int:
        self.org(org)
        return self._change(("orgs",), self.orgs(), org, None)

    def add_project(self, org: str, spec: dict[str, Any]) -> int:
        self.org(org)
        name = _name(spec)
        projects = self.projects(org)
        if projects.get(name, self.rv) is not None:
            raise SimError(409, "PROJECT_EXISTS", f"project {name} already exists")
        item = {
            "uid": uid_from(digest(self.seed, "added-project", org, name, self.rv)),
            "name": name,
            "orgName": org,
            "displayName": title(name),
            "description": f"{name} project",
            "deploymentPipeline": "default-pipeline",
            "createdAt": clock.now(),
            "status": "Ready",
            **_fields(spec),
        }
        self._counts[("components", org, name)] = _count(spec, "components")
        return self._change(("projects", org), projects, name, item)

    def update_project(self, org: str, project: str, spec: dict[str, Any]) -> int:
        item = {**self.project(org, project), **_fields(spec)}
        return self._change(("projects", org), self.projects(org), project, item)

    def remove_project(self, org: str, project: str) -> int:
        self.project(org, project)
        return self._change(("projects", org), self.projects(org), project, None)

    def add_component(self, org: str, project: str, spec: dict[str, Any]) -> int:
        self.project(org, project)
        name = _name(spec)
        components = self.components(org, project)
        if components.get(name, self.rv) is not None:
            raise SimError(409, "COMPONENT_EXISTS", f"component {name} already exists")
        holder = self._project_holding(org, name)
        if holder is not None:
            raise SimError(
                409,
                "COMPONENT_EXISTS",
                f"component {name} already exists in project {holder} of organization {org}",
            )
        item: Item = {
            "uid": uid_from(digest(self.seed, "added-component", org, project, name, self.rv)),
            "name": name,
            "displayName": title(name),
            "description": f"{name} component",
            "type": "deployment/service",
            "projectName": project,
            "orgName": org,
            "createdAt": clock.now(),
            "status": "Created",
            "autoDeploy": False,
        }
        item = _with_detail(self.seed, self.config.endpoints, {**item, **_fields(spec)}, spec)
        return self._change(("components", org, project), components, name, item)

    def _project_holding(self, org: str, component: str) -> str | None:
        """The project of ``org`` that has a component named ``component``, if any.

        Components live in the organization's Kubernetes namespace, so a name is unique
        across all of an organization's projects, as the real server enforces.
        """
        for project in self.projects(org).names(self.rv):
            if self.components(org, project).get(component, self.rv) is not None:
                return project
        return None

    def update_component(self, org: str, project: str, component: str, spec: dict[str, Any]) -> int:
        current = self.component(org, project, component)
        item = _with_detail(self.seed, self.config.endpoints, {**current, **_fields(spec)}, spec)
        key = ("components", org, project)
        return self._change(key, self.components(org, project), component, item)

    def remove_component(self, org: str, project: str, component: str) -> int:
        self.component(org, project, component)
        key = ("components", org, project)
        return self._change(key, self.components(org, project), component, None)

    def expire_tokens(self) -> int:
        """Every continue token handed out so far is now expired (410)."""
        self.token_generation += 1
        return self.token_generation

    # -- ground truth ----------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        rv = self.rv
        orgs = projects = components = 0
        for org in self.orgs().names(rv):
            orgs += 1
            for project in self.projects(org).names(rv):
                projects += 1
                components += self.components(org, project).count(rv)
        return {"orgs": orgs, "projects": projects, "components": components}

    def dataset(self, org_filter: str | None = None, *, components: bool = True) -> Item:
        """Everything the API serves at the current resource version, nested."""
        rv = self.rv
        orgs = []
        for org in self.orgs().names(rv):
            if org_filter is not None and org != org_filter:
                continue
            entry: Item = {"org": self.org(org)}
            for kind in ORG_KINDS:
                entry[_camel(kind)] = self.org_items(kind, org)
            entry["projects"] = [
                {
                    "project": self.project(org, project),
                    "pipeline": self.pipeline(org, project),
                    "components": [
                        self.component(org, project, name)
                        for name in self.components(org, project).names(rv)
                    ]
                    if components
                    else [],
                }
                for project in self.projects(org).names(rv)
            ]
            orgs.append(entry)
        return {"resourceVersion": str(rv), "orgs": orgs}


def _camel(kind: str) -> str:
    head, *rest = kind.split("-")
    return head + "".join(word.capitalize() for word in rest)


def _name(spec: dict[str, Any]) -> str:
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise invalid_input("'name' is required")
    if not spec.get("allowInvalidName") and not is_k8s_name(name):
        raise invalid_input(
            f"name {name!r} is not a valid Kubernetes name (lowercase letters, digits and '-', "
            "at most 63 characters); pass allowInvalidName to test hostile data"
        )
    return name


_CONTROL_KEYS = {"name", "allowInvalidName", "projects", "components", "endpoints"}


def _fields(spec: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in spec.items() if k not in _CONTROL_KEYS}


def _count(spec: dict[str, Any], key: str) -> int:
    value = spec.get(key, 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise invalid_input(f"'{key}' must be a non-negative integer")
    return value


def _with_detail(seed: int, endpoints: int, item: Item, spec: dict[str, Any]) -> Item:
    """``item`` with a workload; ``spec["endpoints"]`` (a map) replaces its endpoints."""
    if "workload" not in item:
        ordinal = h64(item["name"]) % 7
        item = {**item, **component_detail(seed, item, endpoints, ordinal)}
    if "endpoints" in spec:
        new = spec["endpoints"]
        if not isinstance(new, dict):
            raise invalid_input("'endpoints' must be a map of name to {type, port, schema?}")
        item["workload"] = {**item["workload"], "endpoints": new}
    return item
