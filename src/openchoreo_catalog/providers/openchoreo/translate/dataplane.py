"""Dataplane → Dataplane entity (OpenChoreo's custom kind)."""

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

DATAPLANE_LABEL = "openchoreo.io/dataplane"

# (API field, annotation key) for the addressing details copied onto the entity.
_ADDRESSING = (
    ("publicVirtualHost", "openchoreo.io/public-virtual-host"),
    ("organizationVirtualHost", "openchoreo.io/organization-virtual-host"),
    ("publicHTTPPort", "openchoreo.io/public-http-port"),
    ("publicHTTPSPort", "openchoreo.io/public-https-port"),
    ("organizationHTTPPort", "openchoreo.io/organization-http-port"),
    ("organizationHTTPSPort", "openchoreo.io/organization-https-port"),
    ("observabilityPlaneRef", "openchoreo.io/observability-plane-ref"),
)


def dataplane_entity(
    dataplane: Mapping[str, Any], org_name: str, context: TranslationContext
) -> dict[str, Any]:
    raw = required_str(dataplane, "name", "dataplane")
    name = safe_entity_name(raw, "dataplane")
    annotations = managed_annotations(context)
    annotations["openchoreo.io/organization"] = org_name
    optional(annotations, "openchoreo.io/namespace", dataplane.get("namespace"))
    optional(annotations, "openchoreo.io/created-at", dataplane.get("createdAt"))
    optional(annotations, "openchoreo.io/status", dataplane.get("status"))
    spec: dict[str, Any] = {"type": "kubernetes", "domain": domain_ref(org_name)}
    for field, key in _ADDRESSING:
        value = dataplane.get(field)
        optional(annotations, key, value)
        if value is not None and value != "":
            spec[field] = value
    annotations.update(original_name_annotation(raw, name))
    return entity(
        "Dataplane",
        name=name,
        namespace=safe_entity_name(org_name, "organization"),
        title=text(dataplane.get("displayName"), raw),
        description=text(dataplane.get("description"), raw),
        annotations=annotations,
        labels={DATAPLANE_LABEL: "true"},
        tag_values=["openchoreo", "dataplane", "infrastructure"],
        spec=spec,
    )
