"""Component → Component entity (and the names of the APIs it provides)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openchoreo_catalog.providers.openchoreo.translate.common import (
    TranslationContext,
    entity,
    managed_annotations,
    optional,
    text,
)
from openchoreo_catalog.providers.openchoreo.translate.component_types import (
    spec_type,
    type_tags,
)
from openchoreo_catalog.providers.openchoreo.translate.errors import required_str
from openchoreo_catalog.providers.openchoreo.translate.names import original_name_annotation
from openchoreo_catalog.providers.openchoreo.translate.safe import safe_entity_name


def component_entity(
    component: Mapping[str, Any],
    org_name: str,
    project_name: str,
    context: TranslationContext,
    *,
    provides_apis: Sequence[str] = (),
) -> dict[str, Any]:
    """The Component; ``provides_apis`` are the entity names of its API entities."""
    raw = required_str(component, "name", "component")
    raw_type = required_str(component, "type", "component")
    name = safe_entity_name(raw, "component")
    annotations = managed_annotations(context)
    annotations["openchoreo.io/component"] = raw
    optional(annotations, "openchoreo.io/component-uid", component.get("uid"))
    annotations["openchoreo.io/component-type"] = raw_type
    annotations["openchoreo.io/project"] = project_name
    annotations["openchoreo.io/organization"] = org_name
    optional(annotations, "openchoreo.io/created-at", component.get("createdAt"))
    optional(annotations, "openchoreo.io/status", component.get("status"))
    optional(annotations, "openchoreo.io/deletion-timestamp", component.get("deletionTimestamp"))
    repository = _repository(component)
    if repository is not None:
        url, branch = repository
        annotations["backstage.io/source-location"] = f"url:{url}"
        optional(annotations, "openchoreo.io/branch", branch)
    annotations.update(original_name_annotation(raw, name))
    status = component.get("status")
    spec: dict[str, Any] = {
        "type": spec_type(raw_type),
        "lifecycle": status.lower() if isinstance(status, str) and status else "unknown",
        "owner": context.default_owner,
        "system": safe_entity_name(project_name, "project"),
    }
    if provides_apis:
        spec["providesApis"] = list(provides_apis)
    return entity(
        "Component",
        name=name,
        namespace=safe_entity_name(org_name, "organization"),
        title=text(component.get("displayName"), raw),
        description=text(component.get("description"), raw),
        annotations=annotations,
        tag_values=["openchoreo", "component", *type_tags(raw_type)],
        spec=spec,
    )


def _repository(component: Mapping[str, Any]) -> tuple[str, str | None] | None:
    """(url, branch) from ``componentWorkflow.systemParameters.repository``, if present."""
    workflow = component.get("componentWorkflow")
    if not isinstance(workflow, Mapping):
        return None
    parameters = workflow.get("systemParameters")
    repository = parameters.get("repository") if isinstance(parameters, Mapping) else None
    if not isinstance(repository, Mapping):
        return None
    url = repository.get("url")
    if not isinstance(url, str) or not url:
        return None
    revision = repository.get("revision")
    branch = revision.get("branch") if isinstance(revision, Mapping) else None
    return url, branch if isinstance(branch, str) and branch else None
