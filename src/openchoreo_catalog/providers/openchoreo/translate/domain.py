"""Organization → Domain (in the ``default`` namespace)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openchoreo_catalog.providers.openchoreo.translate.common import (
    DOMAIN_NAMESPACE,
    TranslationContext,
    entity,
    managed_annotations,
    optional,
    text,
)
from openchoreo_catalog.providers.openchoreo.translate.errors import required_str
from openchoreo_catalog.providers.openchoreo.translate.names import (
    original_name_annotation,
)
from openchoreo_catalog.providers.openchoreo.translate.safe import safe_entity_name


def domain_entity(org: Mapping[str, Any], context: TranslationContext) -> dict[str, Any]:
    raw = required_str(org, "name", "organization")
    name = safe_entity_name(raw, "organization")
    annotations = managed_annotations(context)
    annotations["openchoreo.io/organization"] = raw
    optional(annotations, "openchoreo.io/namespace", org.get("namespace"))
    optional(annotations, "openchoreo.io/created-at", org.get("createdAt"))
    optional(annotations, "openchoreo.io/status", org.get("status"))
    annotations.update(original_name_annotation(raw, name))
    return entity(
        "Domain",
        name=name,
        namespace=DOMAIN_NAMESPACE,
        title=text(org.get("displayName"), raw),
        description=text(org.get("description"), raw),
        annotations=annotations,
        tag_values=["openchoreo", "organization", "domain"],
        spec={"owner": context.default_owner},
    )
