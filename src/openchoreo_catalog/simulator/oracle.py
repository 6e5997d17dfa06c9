"""The expected catalog, computed from the simulator's ground truth by rules written here.

Independent of the provider and its translators on purpose: if both shared a bug, comparing
one with the other would prove nothing. The rules are issue 5's table, restated plainly.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

_VALID_NAME = re.compile(r"^([A-Za-z0-9]+[-_.])*[A-Za-z0-9]+$")
WEB_APPS = {"web-app", "webapp", "frontend"}


def short(raw: str) -> str:
    """Valid names stay; others become ``<ascii words joined by ->[:54]-<sha256[:8]>``."""
    if len(raw) <= 63 and _VALID_NAME.match(raw):
        return raw
    readable = "-".join(part for part in re.split(r"[^A-Za-z0-9]+", raw) if part)
    return f"{readable[:54].rstrip('-')}-{hashlib.sha256(raw.encode()).hexdigest()[:8]}"


def is_service(component_type: str) -> bool:
    if "/" not in component_type:
        return component_type == "Service"
    workload, _, name = component_type.partition("/")
    return workload in ("deployment", "statefulset") and name not in WEB_APPS


@dataclass
class Expectation:
    """Expected refs with the fields worth checking for each."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    alternatives: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Refs two items map to (the simulator may give two projects of one organization a
    component of the same name, which real OpenChoreo cannot: one Kubernetes namespace):
    whichever is walked last wins, so any of them is right."""
    services: int = 0
    components: int = 0

    @property
    def refs(self) -> set[str]:
        return set(self.entities)


def expected(
    dataset: dict[str, Any], *, owner: str = "guests", details: str = "services"
) -> Expectation:
    result = Expectation()

    def put(ref: str, fields: dict[str, Any]) -> None:
        if ref in result.entities:
            result.alternatives.setdefault(ref, [result.entities[ref]]).append(fields)
        result.entities[ref] = fields

    for entry in dataset["orgs"]:
        org = entry["org"]["name"]
        ns = short(org)
        domain = f"default/{ns}"
        put(f"domain:default/{ns}", {"kind": "Domain", "owner": owner})
        for env in entry["environments"]:
            put(f"environment:{ns}/{short(env['name'])}", {"kind": "Environment", "domain": domain})
        for plane in entry["dataplanes"]:
            put(f"dataplane:{ns}/{short(plane['name'])}", {"kind": "Dataplane", "domain": domain})
        for ct in entry["componentTypes"]:
            put(f"template:{ns}/{short('template-openchoreo-' + ct['name'])}", {"kind": "Template"})
        for project_entry in entry["projects"]:
            project = project_entry["project"]["name"]
            system = short(project)
            put(f"system:{ns}/{system}", {"kind": "System", "domain": domain, "owner": owner})
            pipeline = project_entry["pipeline"]["name"]
            put(f"deploymentpipeline:{ns}/{short(pipeline)}", {"kind": "DeploymentPipeline"})
            for component in project_entry["components"]:
                result.components += 1
                kind = component["type"]
                apis: list[str] = []
                if is_service(kind):
                    result.services += 1
                    if details != "none":
                        endpoints = (component.get("workload") or {}).get("endpoints") or {}
                        apis = [short(f"{component['name']}-{ep}") for ep in sorted(endpoints)]
                spec_type = (
                    kind.split("/")[1]
                    if "/" in kind
                    else ("website" if kind == "WebApplication" else kind.lower())
                )
                put(
                    f"component:{ns}/{short(component['name'])}",
                    {
                        "kind": "Component",
                        "system": system,
                        "type": spec_type,
                        "providesApis": sorted(apis),
                        "owner": owner,
                    },
                )
                for api in apis:
                    put(f"api:{ns}/{api}", {"kind": "API", "system": system, "owner": owner})
    return result


def ref_of(entity: dict[str, Any]) -> str:
    metadata = entity["metadata"]
    return f"{entity['kind']}:{metadata['namespace']}/{metadata['name']}".lower()


def mismatches(expectation: Expectation, entities: dict[str, dict[str, Any]]) -> list[str]:
    """Differences between the expectation and entities keyed by ref (empty when equal)."""
    problems = []
    missing = expectation.refs - set(entities)
    extra = set(entities) - expectation.refs
    problems += [f"missing {r}" for r in sorted(missing)[:20]]
    problems += [f"unexpected {r}" for r in sorted(extra)[:20]]
    for ref, fields in expectation.entities.items():
        entity = entities.get(ref)
        if entity is None:
            continue
        spec = entity.get("spec", {})
        checks = {
            "kind": entity["kind"],
            "owner": spec.get("owner"),
            "system": spec.get("system"),
            "domain": spec.get("domain"),
            "type": spec.get("type"),
            "providesApis": sorted(spec.get("providesApis", [])),
        }
        candidates = expectation.alternatives.get(ref, [fields])
        if not any(all(checks[k] == v for k, v in c.items()) for c in candidates):
            wrong = {k: checks[k] for k in fields if checks[k] != fields[k]}
            problems.append(f"{ref}: {wrong}, expected one of {candidates}")
    return problems
