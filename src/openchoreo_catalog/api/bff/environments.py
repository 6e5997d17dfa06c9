"""A component's environments: the organization's environments with the component's release
bindings merged in, in the promotion order of the project's deployment pipeline.

Pure functions over the client's models, so the ordering rules are tested without a server.
The shape is the seed's ``EnvironmentInfoService`` result: one entry per environment with its
``deployment`` (deployed or not, status, release) and the ``promotionTargets`` the pipeline
allows from it. Environments the pipeline does not mention come last, in the API's order.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from openchoreo_catalog.openchoreo.models import DeploymentPipeline, Environment, ReleaseBinding

Json = dict[str, Any]


def promotion_order(pipeline: DeploymentPipeline) -> list[str]:
    """Environment names (lower case) in promotion order: a topological sort of the paths,
    ties kept in the order the pipeline first mentions them; a cycle's members come last."""
    seen: dict[str, None] = {}
    edges: dict[str, list[str]] = {}
    for path in pipeline.promotion_paths:
        source = path.source_environment_ref.lower()
        seen.setdefault(source)
        for ref in path.target_environment_refs:
            name = ref.name.lower()
            seen.setdefault(name)
            edges.setdefault(source, []).append(name)
    indegree = dict.fromkeys(seen, 0)
    for targets in edges.values():
        for target in targets:
            indegree[target] += 1
    ready = deque(name for name in seen if indegree[name] == 0)
    order: list[str] = []
    while ready:
        name = ready.popleft()
        order.append(name)
        for target in edges.get(name, []):
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    order.extend(name for name in seen if name not in order)
    return order


def deployment_status(status: str | None) -> str:
    """The seed's mapping of a release binding's status string to a deployment state."""
    if status is None:
        return "pending"
    text = status.lower()
    if "notready" in text or "pending" in text:
        return "pending"
    if "ready" in text or "active" in text:
        return "success"
    if "failed" in text or "error" in text:
        return "failed"
    if "suspend" in text:
        return "suspended"
    return "pending"


def merge(
    environments: list[Environment],
    bindings: list[ReleaseBinding],
    pipeline: DeploymentPipeline | None,
) -> list[Json]:
    """The merged, ordered list (see the module docstring)."""
    by_env = {binding.environment.lower(): binding for binding in bindings}
    targets: dict[str, list[Json]] = {}
    rank: dict[str, int] = {}
    if pipeline is not None:
        for path in pipeline.promotion_paths:
            targets.setdefault(path.source_environment_ref.lower(), []).extend(
                {
                    "name": target.name,
                    "requiresApproval": bool(target.requires_approval),
                    "isManualApprovalRequired": bool(target.is_manual_approval_required),
                }
                for target in path.target_environment_refs
            )
        rank = {name: i for i, name in enumerate(promotion_order(pipeline))}
    ordered = sorted(
        enumerate(environments),
        key=lambda pair: (rank.get(pair[1].name.lower(), len(rank)), pair[0]),
    )
    return [
        _entry(env, by_env.get(env.name.lower()), targets.get(env.name.lower(), []))
        for _, env in ordered
    ]


def _entry(env: Environment, binding: ReleaseBinding | None, targets: list[Json]) -> Json:
    deployment: Json = {"deployed": binding is not None, "status": "not-deployed"}
    if binding is not None:
        deployment.update(
            {
                "status": deployment_status(binding.status),
                "statusMessage": binding.status,
                "lastDeployed": binding.created_at,
                "releaseName": binding.release_name,
            }
        )
    entry: Json = {
        "uid": env.uid,
        "name": env.display_name or env.name,
        "resourceName": env.name,
        "isProduction": env.is_production,
        "dataPlaneRef": env.data_plane_ref,
        "bindingName": binding.name if binding else None,
        "hasComponentTypeOverrides": bool(binding and binding.component_type_env_overrides),
        "deployment": deployment,
        "endpoints": [],
    }
    if targets:
        entry["promotionTargets"] = targets
    return entry
