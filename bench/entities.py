"""Generated entities shaped like the OpenChoreo providers' output, for the benchmarks.

The mix per project: one System, one DeploymentPipeline, components (four in five with
workload endpoints, each endpoint an API), like a platform of services; per organization a
Domain, three Environments and a Dataplane. Annotations, labels and tags follow the seed's
translation, so each entity carries as many search rows as a real one.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

PROVIDER = "provider:OpenChoreoIncrementalEntityProvider"
_WORDS = ["orders", "payments", "cart", "search", "auth", "users", "billing", "catalog", "mail", "ledger"]  # fmt: skip


def _base(kind: str, name: str, namespace: str, title: str, org: str) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": kind,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "title": title,
            "description": f"{title} of {org}",
            "annotations": {
                "backstage.io/managed-by-location": PROVIDER,
                "backstage.io/managed-by-origin-location": PROVIDER,
                "openchoreo.io/organization": org,
            },
            "labels": {"openchoreo.io/managed": "true"},
        },
    }


def generate(
    total: int, *, seed: int = 7, components_per_project: int = 20
) -> Iterator[dict[str, Any]]:
    """Yield ``total`` entities (deterministic for a seed)."""
    rng = random.Random(seed)
    produced = 0
    org_index = 0
    while True:
        org = f"org-{org_index:04d}"
        org_entities = _organization(org)
        for project_index in range(50):
            project = f"{rng.choice(_WORDS)}-{org_index}-{project_index}"
            batch = org_entities if project_index == 0 else []
            batch += _project(org, project, rng, components_per_project)
            for item in batch:
                yield item
                produced += 1
                if produced >= total:
                    return
        org_index += 1


def _organization(org: str) -> list[dict[str, Any]]:
    domain = _base("Domain", org, "default", org.upper(), org)
    domain["metadata"]["tags"] = ["openchoreo", "organization", "domain"]
    domain["spec"] = {"owner": "guests"}
    items = [domain]
    for env in ("development", "staging", "production"):
        e = _base("Environment", env, org, env.title(), org)
        production = env == "production"
        e["metadata"]["annotations"]["openchoreo.io/environment"] = env
        e["metadata"]["tags"] = [
            "openchoreo",
            "environment",
            "production" if production else "non-production",
        ]
        e["spec"] = {
            "type": "production" if production else "non-production",
            "domain": f"default/{org}",
            "dataPlaneRef": "default-dp",
            "isProduction": production,
        }
        items.append(e)
    dp = _base("Dataplane", "default-dp", org, "Default dataplane", org)
    dp["metadata"]["tags"] = ["openchoreo", "dataplane", "infrastructure"]
    dp["spec"] = {"type": "kubernetes", "domain": f"default/{org}"}
    items.append(dp)
    return items


def _project(org: str, project: str, rng: random.Random, count: int) -> list[dict[str, Any]]:
    system = _base("System", project, org, project.replace("-", " ").title(), org)
    system["metadata"]["annotations"]["openchoreo.io/project-id"] = project
    system["metadata"]["tags"] = ["openchoreo", "project"]
    system["spec"] = {"owner": "guests", "domain": f"default/{org}"}
    pipeline = _base("DeploymentPipeline", f"{project}-pipeline", org, f"{project} pipeline", org)
    pipeline["metadata"]["annotations"]["openchoreo.io/project"] = project
    pipeline["spec"] = {"type": "promotion-pipeline", "projectRef": project, "organization": org}
    items = [system, pipeline]
    for index in range(count):
        name = f"{project}-svc-{index}-{rng.getrandbits(24):06x}"
        service = rng.random() < 0.8
        kind_type = "deployment/service" if service else "deployment/web-app"
        c = _base("Component", name, org, name, org)
        annotations = c["metadata"]["annotations"]
        annotations.update(
            {
                "openchoreo.io/component": name,
                "openchoreo.io/component-type": kind_type,
                "openchoreo.io/project": project,
                "openchoreo.io/created-at": f"2025-0{1 + index % 9}-1{index % 10}T10:00:00Z",
                "openchoreo.io/status": "Ready",
            }
        )
        c["metadata"]["tags"] = ["openchoreo", "component", "service" if service else "website"]
        c["spec"] = {
            "type": "service" if service else "website",
            "lifecycle": "production",
            "owner": "guests",
            "system": project,
        }
        items.append(c)
        if service:
            api_name = f"{name}-http"
            c["spec"]["providesApis"] = [api_name]
            api = _base("API", api_name, org, f"{name} http API", org)
            api["metadata"]["annotations"].update(
                {
                    "openchoreo.io/component": name,
                    "openchoreo.io/endpoint-name": "http",
                    "openchoreo.io/endpoint-type": "REST",
                    "openchoreo.io/endpoint-port": "8080",
                    "openchoreo.io/project": project,
                }
            )
            api["metadata"]["tags"] = ["openchoreo", "api", "rest"]
            api["spec"] = {
                "type": "openapi",
                "lifecycle": "production",
                "owner": "guests",
                "system": project,
                "definition": "openapi: 3.0.0\ninfo:\n  title: "
                + api_name
                + "\n  version: 1.0.0\npaths: {}\n"
                + "#" * 180,
            }
            items.append(api)
    return items
