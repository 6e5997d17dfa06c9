"""Per-organization platform resources, small and generated whole per organization.

Environments (exactly one production), data planes, build planes, component types (some with
``allowedWorkflows``), workflows, component workflows, traits and secret references, each list
sorted by name; plus a project's deployment pipeline (promotion paths over the environments)
and the JSON Schemas the four ``/schema`` endpoints return.
"""

from __future__ import annotations

import itertools
from typing import Any

from openchoreo_catalog.simulator.clock import timestamp
from openchoreo_catalog.simulator.names import digest, h64, uid_from

Item = dict[str, Any]

COMPONENT_TYPES = (
    ("scheduled-task", "cronjob", ["docker"]),
    ("service", "deployment", ["docker", "google-cloud-buildpacks"]),
    ("stateful-service", "statefulset", None),
    ("web-app", "deployment", ["react", "docker"]),
    ("worker", "deployment", None),
)
WORKFLOWS = ("db-migration", "nightly-report", "sync-secrets")
COMPONENT_WORKFLOWS = ("ballerina-buildpack", "docker", "google-cloud-buildpacks", "react")
TRAITS = ("api-configuration", "autoscaler", "ingress", "observability-alerts")


def environment_names(seed: int, org: str) -> list[str]:
    """Sorted; the promotion order is :func:`promotion_order`."""
    names = ["development", "production", "staging"]
    if h64(seed, "qa", org) % 2:
        names.append("qa")
    return sorted(names)


def promotion_order(names: list[str]) -> list[str]:
    order = ["development", "qa", "staging", "production"]
    return [n for n in order if n in names]


def environments(seed: int, org: str) -> list[Item]:
    planes = [p["name"] for p in dataplanes(seed, org)]
    items = []
    for name in environment_names(seed, org):
        raw = digest(seed, "env", org, name)
        production = name == "production"
        items.append(
            {
                "uid": uid_from(raw),
                "name": name,
                "namespace": org,
                "displayName": name.capitalize(),
                "description": f"{name.capitalize()} environment",
                "dataPlaneRef": planes[-1] if production else planes[0],
                "isProduction": production,
                "dnsPrefix": name[:3] if name != "production" else "prod",
                "createdAt": timestamp(h64(seed, "env-time", org, name)),
                "status": "Ready",
            }
        )
    return items


def dataplanes(seed: int, org: str) -> list[Item]:
    names = ["default", "edge"]
    if h64(seed, "dp", org) % 2:
        names.append("gpu")
    return [
        {
            "name": name,
            "namespace": org,
            "displayName": f"{name.capitalize()} data plane",
            "description": "Kubernetes cluster running workloads",
            "imagePullSecretRefs": ["registry-credentials"],
            "secretStoreRef": "vault",
            "publicVirtualHost": f"{name}.{org}.choreoapps.dev",
            "organizationVirtualHost": f"{name}.{org}.internal.choreoapps.dev",
            "publicHTTPPort": 80,
            "publicHTTPSPort": 443,
            "organizationHTTPPort": 8080,
            "organizationHTTPSPort": 8443,
            "observabilityPlaneRef": "default",
            "createdAt": timestamp(h64(seed, "dp-time", org, name)),
            "status": "Ready",
        }
        for name in names
    ]


def buildplanes(seed: int, org: str) -> list[Item]:
    """The Go server's shape: no ``kubernetesClusterName``/``apiServerURL`` (spec-only)."""
    return [
        {
            "name": name,
            "namespace": org,
            "displayName": f"{name.capitalize()} build plane",
            "description": "Runs component builds",
            "observabilityPlaneRef": "default",
            "createdAt": timestamp(h64(seed, "bp-time", org, name)),
            "status": "Ready",
        }
        for name in ("ci", "default")
    ]


def component_types(seed: int, org: str) -> list[Item]:
    items = []
    for name, workload_type, allowed in COMPONENT_TYPES:
        item: Item = {
            "name": name,
            "displayName": name.replace("-", " ").title(),
            "description": f"A {workload_type} based {name}",
            "workloadType": workload_type,
            "createdAt": timestamp(h64(seed, "ct-time", org, name)),
        }
        if allowed is not None:
            item["allowedWorkflows"] = allowed
        items.append(item)
    return items


def _named(seed: int, org: str, kind: str, names: tuple[str, ...]) -> list[Item]:
    return [
        {
            "name": name,
            "displayName": name.replace("-", " ").title(),
            "description": f"The {name} {kind}",
            "createdAt": timestamp(h64(seed, kind, org, name)),
        }
        for name in sorted(names)
    ]


def workflows(seed: int, org: str) -> list[Item]:
    return _named(seed, org, "workflow", WORKFLOWS)


def component_workflows(seed: int, org: str) -> list[Item]:
    return _named(seed, org, "component workflow", COMPONENT_WORKFLOWS)


def traits(seed: int, org: str, count: int = len(TRAITS)) -> list[Item]:
    """The named traits, then ``trait-0004``… up to ``count`` (names stay sorted)."""
    names = TRAITS[:count] + tuple(f"trait-{i:04d}" for i in range(len(TRAITS), count))
    return _named(seed, org, "trait", names)


def secret_references(seed: int, org: str) -> list[Item]:
    return [
        {
            "name": name,
            "namespace": org,
            "displayName": name.replace("-", " ").title(),
            "secretStores": [{"name": "vault", "namespace": org, "kind": "ClusterSecretStore"}],
            "refreshInterval": "1h",
            "data": [
                {"secretKey": key, "remoteRef": {"key": f"{org}/{name}", "property": key}}
                for key in keys
            ],
            "createdAt": timestamp(h64(seed, "secret", org, name)),
            "lastRefreshTime": timestamp(h64(seed, "secret-refresh", org, name)),
            "status": "Ready",
        }
        for name, keys in (
            ("api-keys", ("primary", "secondary")),
            ("db-credentials", ("user", "password")),
        )
    ]


def deployment_pipeline(seed: int, org: str, name: str) -> Item:
    order = promotion_order(environment_names(seed, org))
    paths = [
        {
            "sourceEnvironmentRef": source,
            "targetEnvironmentRefs": [
                {
                    "name": target,
                    "requiresApproval": target == "production",
                    "isManualApprovalRequired": target == "production",
                }
            ],
        }
        for source, target in itertools.pairwise(order)
    ]
    return {
        "name": name,
        "displayName": name.replace("-", " ").title(),
        "description": "Promotes through every environment up to production",
        "orgName": org,
        "createdAt": timestamp(h64(seed, "pipeline", org, name)),
        "status": "Ready",
        "promotionPaths": paths,
    }


def _object_schema(properties: dict[str, Item], required: list[str]) -> Item:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def component_type_schema(name: str) -> Item:
    properties: dict[str, Item] = {
        "replicas": {"type": "integer", "minimum": 1, "default": 1, "title": "Replicas"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535, "default": 8080},
        "resources": {
            "type": "object",
            "properties": {
                "cpu": {"type": "string", "default": "100m"},
                "memory": {"type": "string", "default": "256Mi"},
            },
        },
    }
    if name == "scheduled-task":
        properties = {"schedule": {"type": "string", "default": "0 * * * *", "title": "Cron"}}
    return {**_object_schema(properties, []), "title": name}


def trait_schema(name: str) -> Item:
    return {
        **_object_schema(
            {
                "enabled": {"type": "boolean", "default": True},
                "minReplicas": {"type": "integer", "minimum": 1},
                "maxReplicas": {"type": "integer", "minimum": 1},
            },
            ["enabled"],
        ),
        "title": name,
    }


def workflow_schema(name: str) -> Item:
    return {
        **_object_schema(
            {
                "repository": {"type": "string", "format": "uri"},
                "branch": {"type": "string", "default": "main"},
                "dockerfile": {"type": "string", "default": "Dockerfile"},
            },
            ["repository"],
        ),
        "title": name,
    }
