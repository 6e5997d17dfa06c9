"""Environment → Environment entity (OpenChoreo's custom kind)."""

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
from openchoreo_catalog.providers.openchoreo.translate.errors import BadItem, required_str
from openchoreo_catalog.providers.openchoreo.translate.names import original_name_annotation
from openchoreo_catalog.providers.openchoreo.translate.safe import safe_entity_name

ENVIRONMENT_TYPE_LABEL = "openchoreo.io/environment-type"


def environment_entity(
    environment: Mapping[str, Any], org_name: str, context: TranslationContext
) -> dict[str, Any]:
    raw = required_str(environment, "name", "environment")
    is_production = environment.get("isProduction")
    if not isinstance(is_production, bool):
        raise BadItem("environment", raw, "missing or invalid required field 'isProduction'")
    name = safe_entity_name(raw, "environment")
    kind = "production" if is_production else "non-production"
    data_plane = environment.get("dataPlaneRef")
    dns_prefix = environment.get("dnsPrefix")
    annotations = managed_annotations(context)
    annotations["openchoreo.io/environment"] = raw
    annotations["openchoreo.io/organization"] = org_name
    optional(annotations, "openchoreo.io/environment-uid", environment.get("uid"))
    optional(annotations, "openchoreo.io/namespace", environment.get("namespace"))
    optional(annotations, "openchoreo.io/created-at", environment.get("createdAt"))
    optional(annotations, "openchoreo.io/status", environment.get("status"))
    optional(annotations, "openchoreo.io/data-plane-ref", data_plane)
    optional(annotations, "openchoreo.io/dns-prefix", dns_prefix)
    annotations["openchoreo.io/is-production"] = "true" if is_production else "false"
    annotations.update(original_name_annotation(raw, name))
    spec: dict[str, Any] = {
        "type": kind,
        "domain": domain_ref(org_name),
        "isProduction": is_production,
    }
    if isinstance(data_plane, str) and data_plane:
        spec["dataPlaneRef"] = safe_entity_name(data_plane, "dataplane")
    if isinstance(dns_prefix, str) and dns_prefix:
        spec["dnsPrefix"] = dns_prefix
    return entity(
        "Environment",
        name=name,
        namespace=safe_entity_name(org_name, "organization"),
        title=text(environment.get("displayName"), raw),
        description=text(environment.get("description"), raw),
        annotations=annotations,
        labels={ENVIRONMENT_TYPE_LABEL: kind},
        tag_values=["openchoreo", "environment", kind],
        spec=spec,
    )
