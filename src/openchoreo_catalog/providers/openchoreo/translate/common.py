"""What every translated entity shares: provenance annotations, the managed label, owner,
and the helpers that keep tags and annotation values valid.

Both providers produce the same entities except for the provider name in the
``managed-by`` annotations, which tells the catalog (and a reader) where an entity came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from openchoreo_catalog.providers.openchoreo.translate.names import entity_name

API_VERSION = "backstage.io/v1alpha1"
DOMAIN_NAMESPACE = "default"

MANAGED_BY_LOCATION = "backstage.io/managed-by-location"
MANAGED_BY_ORIGIN_LOCATION = "backstage.io/managed-by-origin-location"
MANAGED_LABEL = "openchoreo.io/managed"

ANNOTATION_PREFIX = "openchoreo.io/"

_TAG_INVALID = re.compile(r"[^a-z0-9:+#]+")
MAX_TAG_LENGTH = 63


@dataclass(frozen=True, slots=True)
class TranslationContext:
    """Settings every translator needs: who provides and who owns the entities."""

    provider_name: str
    default_owner: str = "guests"


def managed_annotations(context: TranslationContext) -> dict[str, str]:
    location = f"provider:{context.provider_name}"
    return {MANAGED_BY_LOCATION: location, MANAGED_BY_ORIGIN_LOCATION: location}


def tag(value: str) -> str | None:
    """``value`` as a valid Backstage tag (``[a-z0-9:+#]`` words joined by ``-``), or ``None``."""
    cleaned = _TAG_INVALID.sub("-", value.lower()).strip("-")
    cleaned = re.sub(r"-{2,}", "-", cleaned)[:MAX_TAG_LENGTH].strip("-")
    return cleaned or None


def tags(values: Iterable[str]) -> list[str]:
    """Valid, de-duplicated tags in first-seen order."""
    result: list[str] = []
    for value in values:
        cleaned = tag(value)
        if cleaned and cleaned not in result:
            result.append(cleaned)
    return result


def optional(annotations: dict[str, str], key: str, value: Any) -> None:
    """Set ``key`` only when the source has a value ("optional annotations only when present")."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        annotations[key] = "true" if value else "false"
    else:
        annotations[key] = str(value)


def text(value: Any, fallback: str) -> str:
    """A display string: ``value`` when it is a non-blank string, else ``fallback``."""
    if isinstance(value, str) and value.strip():
        return value
    return fallback


def org_namespace(org_name: str) -> str:
    """The namespace of everything an organization holds (but its Domain)."""
    return entity_name(org_name)


def domain_ref(org_name: str) -> str:
    """A reference to an organization's Domain from any namespace.

    Domains live in ``default`` while the entities pointing at them live in the
    organization's namespace, and Backstage resolves a bare ``spec.domain`` against the
    referring entity's own namespace; so the reference names the namespace.
    """
    return f"{DOMAIN_NAMESPACE}/{entity_name(org_name)}"


def entity(
    kind: str,
    *,
    name: str,
    namespace: str,
    title: str,
    description: str,
    annotations: Mapping[str, str],
    tag_values: Iterable[str],
    spec: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    api_version: str = API_VERSION,
) -> dict[str, Any]:
    """Assemble an entity in Backstage's wire format."""
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {
            "name": name,
            "namespace": namespace,
            "title": title,
            "description": description,
            "labels": {MANAGED_LABEL: "true", **(labels or {})},
            "annotations": dict(annotations),
            "tags": tags(tag_values),
        },
        "spec": dict(spec),
    }
