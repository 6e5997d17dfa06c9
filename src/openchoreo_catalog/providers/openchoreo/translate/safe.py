"""Entity names for API items, turning an unusable name into :class:`BadItem`."""

from __future__ import annotations

from openchoreo_catalog.providers.openchoreo.translate.errors import BadItem
from openchoreo_catalog.providers.openchoreo.translate.names import UnusableName, entity_name


def safe_entity_name(raw: str, kind: str) -> str:
    try:
        return entity_name(raw)
    except UnusableName as error:
        raise BadItem(kind, raw, str(error)) from None
