"""Organizations, projects and components, generated lazily from (seed, parents, index).

Each ``*Seq`` is a read-only sorted sequence: ``name(i)`` and ``item(i)`` cost one hash and
no memory, and names sort in index order, so a million components cost nothing until a page
of them is served. ``component_detail`` builds what only single GETs show (the workload and
the build workflow), from the component's own fields.
"""

from __future__ import annotations

import json
import re
from hashlib import blake2b
from typing import Any

from openchoreo_catalog.simulator.clock import timestamp
from openchoreo_catalog.simulator.names import (
    COMPONENT_WORDS,
    NON_ASCII_TITLES,
    ORG_WORDS,
    PROJECT_WORDS,
    digest,
    h64,
    title,
    uid_from,
    width,
)

Item = dict[str, Any]

ENDPOINT_TYPES = ("REST", "HTTP", "gRPC", "GraphQL", "Websocket", "TCP", "UDP")
SERVICE_TYPES = (
    (80, "deployment/service"),
    (92, "statefulset/stateful-service"),
    (100, "Service"),
)
OTHER_TYPES = (
    (45, "deployment/web-app"),
    (80, "cronjob/scheduled-task"),
    (90, "WebApplication"),
    (100, "ScheduledTask"),
)
_PHI = 0.6180339887498949
_GENERATED_PROJECT = re.compile(r"^proj-(\d+)-")


def _pick(table: tuple[tuple[int, str], ...], roll: int) -> str:
    for bound, value in table:
        if roll < bound:
            return value
    return table[-1][1]


class IndexedSeq:
    """Names ``<prefix><index>-<word>``, zero-padded so they sort in index order."""

    prefix = ""

    def __init__(self, count: int) -> None:
        self.count = count
        self._width = width(count)

    def __len__(self) -> int:
        return self.count

    def name(self, i: int) -> str:
        raise NotImplementedError

    def item(self, i: int) -> Item:
        raise NotImplementedError

    def index_of(self, name: str) -> int | None:
        start = len(self.prefix)
        digits = name[start : start + self._width]
        if not name.startswith(self.prefix) or not digits.isdigit():
            return None
        i = int(digits)
        if i < self.count and self.name(i) == name:
            return i
        return None


class OrgSeq(IndexedSeq):
    prefix = "org-"

    def __init__(self, seed: int, count: int) -> None:
        super().__init__(count)
        self.seed = seed

    def name(self, i: int) -> str:
        word = ORG_WORDS[h64(self.seed, "org", i) % len(ORG_WORDS)]
        return f"org-{i:0{self._width}d}-{word}"

    def item(self, i: int) -> Item:
        name = self.name(i)
        h = h64(self.seed, "org-fields", i)
        display = NON_ASCII_TITLES[h % len(NON_ASCII_TITLES)] if i % 3 == 1 else title(name)
        return {
            "name": name,
            "displayName": display,
            "description": f"The {display} organization",
            "namespace": name,
            "createdAt": timestamp(h >> 8),
            "status": "Ready",
        }


class ProjectSeq(IndexedSeq):
    prefix = "proj-"

    def __init__(self, seed: int, org: str, count: int) -> None:
        super().__init__(count)
        self.seed = seed
        self.org = org

    def name(self, j: int) -> str:
        word = PROJECT_WORDS[h64(self.seed, "project", self.org, j) % len(PROJECT_WORDS)]
        return f"proj-{j:0{self._width}d}-{word}"

    def item(self, j: int) -> Item:
        name = self.name(j)
        raw = digest(self.seed, "project-fields", self.org, j)
        h = int.from_bytes(raw[:8], "big")
        display = NON_ASCII_TITLES[h % len(NON_ASCII_TITLES)] if h % 5 == 0 else title(name)
        return {
            "uid": uid_from(raw),
            "name": name,
            "orgName": self.org,
            "displayName": display,
            "description": f"{display} project",
            "deploymentPipeline": "default-pipeline",
            "createdAt": timestamp(h >> 8),
            "status": "Ready",
        }


class ComponentSeq(IndexedSeq):
    """The hot path of the simulator: one BLAKE2b per component gives its name and fields."""

    prefix = "comp-"

    def __init__(
        self, seed: int, org: str, project: str, count: int, service_fraction: float
    ) -> None:
        super().__init__(count)
        self.seed = seed
        self.org = org
        self.project = project
        self.service_fraction = service_fraction
        self._offset = h64(seed, "offset", org, project) % 1000
        self._key = f"{seed}\x1fcomponent\x1f{org}\x1f{project}\x1f"
        self._tag = project_tag(seed, org, project)

    def _raw(self, k: int) -> bytes:
        return blake2b(f"{self._key}{k}".encode(), digest_size=16).digest()

    def _name(self, k: int, raw: bytes) -> str:
        word = COMPONENT_WORDS[raw[15] % len(COMPONENT_WORDS)]
        return f"comp-{k:0{self._width}d}-{word}-{self._tag}"

    def name(self, k: int) -> str:
        return self._name(k, self._raw(k))

    def is_service(self, k: int) -> bool:
        """Low-discrepancy choice: any run of components holds close to the exact fraction."""
        return ((k + self._offset) * _PHI) % 1.0 < self.service_fraction

    def item(self, k: int) -> Item:
        raw = self._raw(k)
        name = self._name(k, raw)
        h = int.from_bytes(raw[:8], "big")
        table = SERVICE_TYPES if self.is_service(k) else OTHER_TYPES
        kind = _pick(table, (h >> 8) % 100)
        if h % 7 == 0:
            display = NON_ASCII_TITLES[h % len(NON_ASCII_TITLES)]
        else:
            display = f"{COMPONENT_WORDS[raw[15] % len(COMPONENT_WORDS)].capitalize()} {k}"
        return {
            "uid": uid_from(raw),
            "name": name,
            "displayName": display,
            "description": f"{display} ({kind})",
            "type": kind,
            "projectName": self.project,
            "orgName": self.org,
            "createdAt": timestamp(h >> 20),
            "status": "Created",
            "autoDeploy": bool((h >> 50) & 1),
        }


def project_tag(seed: int, org: str, project: str) -> str:
    """What makes a generated component's name unique within its organization.

    OpenChoreo keeps components as Kubernetes objects in the organization's namespace, so
    two projects of one organization never hold components of the same name; the generated
    names must not either (they once did, and half the catalog overwrote itself). A
    generated project (``proj-0007-billing``) lends its index (``p0007``), which no other
    project shares; any other project a keyed hash (``x`` + 8 hex digits), and the admin API
    refuses a component whose name another project of the organization holds.
    """
    match = _GENERATED_PROJECT.match(project)
    if match and ProjectSeq(seed, org, 0).name(int(match.group(1))) == project:
        return f"p{match.group(1)}"
    return f"x{h64(seed, 'project-tag', org, project) & 0xFFFFFFFF:08x}"


def is_service_type(component_type: str) -> bool:
    """The simulator's own notion (used only to decide what to generate)."""
    return component_type in ("Service",) or (
        component_type.split("/")[0] in ("deployment", "statefulset")
        and component_type.split("/")[-1] not in ("web-app", "webapp", "frontend")
    )


def component_detail(seed: int, item: Item, endpoints: int, ordinal: int) -> Item:
    """``workload`` and ``componentWorkflow`` of a component, derived from its fields."""
    org, project, name = item["orgName"], item["projectName"], item["name"]
    kind: str = item["type"]
    h = h64(seed, "detail", org, project, name)
    image = f"registry.example.com/{org}/{name}:v1.{h % 20}.{(h >> 5) % 10}"
    containers: Item = {
        "main": {
            "image": image,
            "env": [{"key": "LOG_LEVEL", "value": "info"}],
        }
    }
    endpoint_map: Item = {}
    connections: Item = {}
    if is_service_type(kind):
        containers["main"]["args"] = ["--port", "8080"]
        for j in range(endpoints):
            endpoint_type = ENDPOINT_TYPES[(ordinal * endpoints + j) % len(ENDPOINT_TYPES)]
            endpoint_map[_endpoint_name(j)] = _endpoint(endpoint_type, j, name, (h >> j) % 3)
        if h % 4 == 0 and ordinal > 0:
            connections["upstream"] = {
                "type": "api",
                "params": {
                    "componentName": "shared-gateway",
                    "endpoint": "api",
                    "projectName": project,
                },
                "inject": {"env": [{"name": "UPSTREAM_URL", "value": "{{ .url }}"}]},
            }
    elif kind.endswith(("web-app", "WebApplication")):
        endpoint_map["web"] = {"type": "HTTP", "port": 3000}
    workload = {
        "owner": {"projectName": project, "componentName": name},
        "containers": containers,
        "endpoints": endpoint_map,
        "connections": connections,
    }
    detail: Item = {"workload": workload}
    if "/" in kind:  # legacy components predate component workflows
        detail["componentWorkflow"] = {
            "name": "react" if "web-app" in kind else "docker",
            "systemParameters": {
                "repository": {
                    "url": f"https://github.com/{org}/{project}",
                    "revision": {"branch": "main", "commit": f"{h:016x}"[:12]},
                    "appPath": f"./{name}",
                }
            },
            "parameters": {"dockerfile": "Dockerfile"},
        }
    return detail


_ENDPOINT_WORDS = ("api", "public", "internal", "admin", "events", "stream", "metrics")


def _endpoint_name(j: int) -> str:
    word = _ENDPOINT_WORDS[j % len(_ENDPOINT_WORDS)]
    return word if j < len(_ENDPOINT_WORDS) else f"{word}-{j}"


def _endpoint(endpoint_type: str, j: int, component: str, roll: int) -> Item:
    port = {"TCP": 9000, "UDP": 5000}.get(endpoint_type, 8080) + j
    endpoint: Item = {"type": endpoint_type, "port": port}
    content = _schema_content(endpoint_type, component) if roll != 0 else None
    if content is not None:
        endpoint["schema"] = {"type": endpoint_type, "content": content}
    return endpoint


def _schema_content(endpoint_type: str, component: str) -> str | None:
    if endpoint_type in ("REST", "HTTP"):
        return json.dumps(
            {
                "openapi": "3.0.3",
                "info": {"title": f"{component} API", "version": "1.0.0"},
                "paths": {"/items": {"get": {"responses": {"200": {"description": "OK"}}}}},
            }
        )
    if endpoint_type == "GraphQL":
        return "type Query {\n  items: [Item!]!\n}\n\ntype Item {\n  id: ID!\n  name: String\n}\n"
    if endpoint_type == "gRPC":
        return (
            'syntax = "proto3";\n\nservice Items {\n'
            "  rpc List (ListRequest) returns (ListReply);\n}\n"
            "message ListRequest {}\nmessage ListReply { repeated string names = 1; }\n"
        )
    if endpoint_type == "Websocket":
        return (
            "asyncapi: 2.6.0\ninfo:\n  title: events\n  version: 1.0.0\n"
            "channels:\n  events:\n    subscribe:\n      message:\n        payload:\n"
            "          type: object\n"
        )
    return None
