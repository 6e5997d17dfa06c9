"""Project → System (in the organization's namespace, part of the organization's Domain).

A project naming its deployment pipeline gets the ``openchoreo.io/deployment-pipeline``
annotation (the raw name) and ``spec.deploymentPipelineRef`` (the pipeline entity's name,
shortened like it), from which the catalog derives the ``usesPipeline`` relation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openchoreo_catalog.providers.openchoreo.translate.common import (
    TranslationContext,
    domain_ref,
    entity,
    managed_annotations,
    optional,
    text,
)
from openchoreo_catalog.providers.openchoreo.translate.errors import required_str
from openchoreo_catalog.providers.openchoreo.translate.names import original_name_annotation
from openchoreo_catalog.providers.openchoreo.translate.safe import safe_entity_name

PIPELINE_ANNOTATION = "openchoreo.io/deployment-pipeline"


def system_entity(
    project: Mapping[str, Any], org_name: str, context: TranslationContext
) -> dict[str, Any]:
    raw = required_str(project, "name", "project")
    name = safe_entity_name(raw, "project")
    namespace = safe_entity_name(org_name, "organization")
    annotations = managed_annotations(context)
    annotations["openchoreo.io/project-id"] = raw
    optional(annotations, "openchoreo.io/project-uid", project.get("uid"))
    annotations["openchoreo.io/organization"] = org_name
    optional(annotations, "openchoreo.io/deletion-timestamp", project.get("deletionTimestamp"))
    optional(annotations, PIPELINE_ANNOTATION, project.get("deploymentPipeline"))
    annotations.update(original_name_annotation(raw, name))
    spec: dict[str, Any] = {"owner": context.default_owner, "domain": domain_ref(org_name)}
    pipeline = project.get("deploymentPipeline")
    if isinstance(pipeline, str) and pipeline:
        # The pipeline entity is written once per organization (projects share it), so its
        # ``projectRef`` names one project; this names the pipeline from every System, and
        # the catalog derives ``usesPipeline`` for each.
        spec["deploymentPipelineRef"] = safe_entity_name(pipeline, "deployment pipeline")
    return entity(
        "System",
        name=name,
        namespace=namespace,
        title=text(project.get("displayName"), raw),
        description=text(project.get("description"), raw),
        annotations=annotations,
        tag_values=["openchoreo", "project"],
        spec=spec,
    )
