"""What hangs off one component: traits, workflow runs, bindings, releases, release bindings.

Generated from the component's fields and the organization's environments, so they exist
exactly while the component does and need no storage.
"""

from __future__ import annotations

from typing import Any

from openchoreo_catalog.simulator.clock import timestamp
from openchoreo_catalog.simulator.hierarchy import is_service_type
from openchoreo_catalog.simulator.names import digest, h64, uid_from
from openchoreo_catalog.simulator.platform import environment_names

Item = dict[str, Any]

_RUN_STATUSES = ("Succeeded", "Succeeded", "Failed", "Running")
_BINDING_STATUSES = ("Active", "Active", "InProgress", "Failed", "Suspended", "NotYetDeployed")


def _owner(component: Item) -> Item:
    return {
        "componentName": component["name"],
        "projectName": component["projectName"],
        "orgName": component["orgName"],
    }


def component_traits(seed: int, component: Item) -> list[Item]:
    h = h64(seed, "traits", component["orgName"], component["projectName"], component["name"])
    chosen = [t for i, t in enumerate(("autoscaler", "ingress")) if (h >> i) & 1]
    return [
        {
            "name": trait,
            "instanceName": f"{component['name']}-{trait}",
            "parameters": {"enabled": True, "minReplicas": 1, "maxReplicas": 2 + h % 5},
        }
        for trait in chosen
    ]


def workflow_runs(seed: int, component: Item) -> list[Item]:
    name = component["name"]
    h = h64(seed, "runs", component["orgName"], component["projectName"], name)
    runs = []
    for n in range(1, 1 + h % 4):
        raw = digest(seed, "run", component["orgName"], component["projectName"], name, n)
        commit = raw.hex()[:40]
        runs.append(
            {
                "name": f"{name}-build-{n}",
                "uuid": uid_from(raw),
                **_owner(component),
                "commit": commit,
                "status": _RUN_STATUSES[raw[0] % len(_RUN_STATUSES)],
                "createdAt": timestamp(h + n * 3600),
                "image": f"registry.example.com/{component['orgName']}/{name}:{commit[:8]}",
                "workflow": {
                    "name": "docker",
                    "systemParameters": {
                        "repository": {
                            "url": f"https://github.com/{component['orgName']}/{component['projectName']}",
                            "appPath": f"./{name}",
                            "revision": {"branch": "main", "commit": commit},
                        }
                    },
                    "parameters": {"dockerfile": "Dockerfile"},
                },
            }
        )
    return runs


def component_releases(seed: int, component: Item) -> list[Item]:
    h = h64(seed, "releases", component["orgName"], component["projectName"], component["name"])
    return [
        {
            "name": f"{component['name']}-release-{n}",
            **_owner(component),
            "createdAt": timestamp(h + n * 86400),
            "status": "Ready",
        }
        for n in range(1, 2 + h % 2)
    ]


def release_bindings(seed: int, component: Item) -> list[Item]:
    releases = component_releases(seed, component)
    latest = releases[-1]["name"]
    return [
        {
            "name": f"{component['name']}-{env}",
            **_owner(component),
            "environment": env,
            "releaseName": latest,
            "componentTypeEnvOverrides": {"replicas": 2 if env == "production" else 1},
            "traitOverrides": {},
            "workloadOverrides": {"containers": {"main": {"env": [], "files": []}}},
            "createdAt": releases[-1]["createdAt"],
            "status": "Ready",
        }
        for env in environment_names(seed, component["orgName"])
    ]


def bindings(seed: int, component: Item) -> list[Item]:
    """One per environment, sorted by environment (the ``env:<name>`` cursor's order)."""
    org, project, name = component["orgName"], component["projectName"], component["name"]
    service = is_service_type(component["type"])
    items = []
    for env in environment_names(seed, org):
        h = h64(seed, "binding", org, project, name, env)
        status = _BINDING_STATUSES[h % len(_BINDING_STATUSES)]
        item: Item = {
            "name": f"{name}-{env}",
            "type": component["type"],
            **_owner(component),
            "environment": env,
            "status": {
                "reason": "Deployed" if status == "Active" else status,
                "message": f"Release is {status.lower()} in {env}",
                "status": status,
                "lastTransitioned": timestamp(h >> 8),
            },
        }
        image = f"registry.example.com/{org}/{name}:v1"
        if service:
            item["serviceBinding"] = {
                "endpoints": [
                    {
                        "name": "api",
                        "type": "REST",
                        "project": {
                            "host": f"{name}.{project}.svc",
                            "port": 8080,
                            "scheme": "http",
                        },
                        "public": {
                            "host": f"{env}.{org}.choreoapps.dev",
                            "port": 443,
                            "scheme": "https",
                            "basePath": f"/{project}/{name}",
                        },
                    }
                ],
                "image": image,
                "releaseState": "Active",
            }
        elif "web" in component["type"].lower():
            item["webApplicationBinding"] = {
                "endpoints": [],
                "image": image,
                "releaseState": "Active",
            }
        else:
            item["scheduledTaskBinding"] = {"image": image, "releaseState": "Active"}
        items.append(item)
    return items
