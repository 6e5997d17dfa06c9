"""Project → System (in the organization's namespace, part of the organization's Domain)."""

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
    return entity(
        "System",
        name=name,
        namespace=namespace,
        title=text(project.get("displayName"), raw),
        description=text(project.get("description"), raw),
        annotations=annotations,
        tag_values=["openchoreo", "project"],
        spec={"owner": context.default_owner, "domain": domain_ref(org_name)},
    )
