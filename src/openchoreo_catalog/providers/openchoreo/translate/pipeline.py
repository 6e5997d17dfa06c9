"""A project's deployment pipeline → DeploymentPipeline entity (OpenChoreo's custom kind).

Pipelines belong to the organization and are often shared by many projects; the entity is
named after the pipeline, and ``spec.projectRef`` names the project it was read through.
Systems point at their pipeline through the ``openchoreo.io/deployment-pipeline``
annotation, from which the ``usesPipeline`` relation follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openchoreo_catalog.providers.openchoreo.translate.common import (
    TranslationContext,
    entity,
    managed_annotations,
    optional,
    text,
)
from openchoreo_catalog.providers.openchoreo.translate.errors import required_str
from openchoreo_catalog.providers.openchoreo.translate.names import original_name_annotation
from openchoreo_catalog.providers.openchoreo.translate.safe import safe_entity_name

PIPELINE_LABEL = "openchoreo.io/deployment-pipeline"


def pipeline_entity(
    pipeline: Mapping[str, Any],
    org_name: str,
    project_name: str,
    context: TranslationContext,
) -> dict[str, Any]:
    raw = required_str(pipeline, "name", "deployment pipeline")
    name = safe_entity_name(raw, "deployment pipeline")
    annotations = managed_annotations(context)
    annotations["openchoreo.io/organization"] = org_name
    annotations["openchoreo.io/project"] = project_name
    optional(annotations, "openchoreo.io/created-at", pipeline.get("createdAt"))
    optional(annotations, "openchoreo.io/status", pipeline.get("status"))
    annotations.update(original_name_annotation(raw, name))
    return entity(
        "DeploymentPipeline",
        name=name,
        namespace=safe_entity_name(org_name, "organization"),
        title=text(pipeline.get("displayName"), raw),
        description=text(pipeline.get("description"), raw),
        annotations=annotations,
        labels={PIPELINE_LABEL: "true"},
        tag_values=["openchoreo", "deployment-pipeline"],
        spec={
            "type": "promotion-pipeline",
            "projectRef": safe_entity_name(project_name, "project"),
            "organization": org_name,
            "promotionPaths": promotion_paths(pipeline.get("promotionPaths")),
        },
    )


def promotion_paths(paths: Any) -> list[dict[str, Any]]:
    """API ``promotionPaths`` → the entity's ``{sourceEnvironment, targetEnvironments}``."""
    if not isinstance(paths, list):
        return []
    result: list[dict[str, Any]] = []
    for path in paths:
        if not isinstance(path, Mapping) or not isinstance(path.get("sourceEnvironmentRef"), str):
            continue
        targets = path.get("targetEnvironmentRefs")
        result.append(
            {
                "sourceEnvironment": path["sourceEnvironmentRef"],
                "targetEnvironments": [
                    {
                        "name": target["name"],
                        "requiresApproval": bool(target.get("requiresApproval", False)),
                        "isManualApprovalRequired": bool(
                            target.get("isManualApprovalRequired", False)
                        ),
                    }
                    for target in (targets if isinstance(targets, list) else [])
                    if isinstance(target, Mapping) and isinstance(target.get("name"), str)
                ],
            }
        )
    return result
