"""Raw API items → entities for one page, skipping (and reporting) what cannot be translated.

Translators raise :class:`BadItem` for an item missing a required field or whose name
cannot become an entity name; here such an item is skipped with a warning naming it and the
page is marked *degraded*, so the engine removes nothing at the end of the cycle on the
strength of data the provider could not read. Everything else on the page is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openchoreo_catalog.ingestion.protocol import Entity
from openchoreo_catalog.providers.openchoreo.metrics import count_skipped
from openchoreo_catalog.providers.openchoreo.translate.api import api_entity, endpoints_of
from openchoreo_catalog.providers.openchoreo.translate.common import TranslationContext
from openchoreo_catalog.providers.openchoreo.translate.component import component_entity
from openchoreo_catalog.providers.openchoreo.translate.component_types import is_service
from openchoreo_catalog.providers.openchoreo.translate.errors import BadItem
from openchoreo_catalog.providers.openchoreo.translate.names import UnusableName, entity_name

log = logging.getLogger(__name__)

DETAIL_KEYS = ("workload", "componentWorkflow")


def item_name(item: Any) -> str | None:
    """The item's ``name`` if it is a non-empty string (what ordering and descent go by)."""
    if isinstance(item, Mapping):
        name = item.get("name")
        if isinstance(name, str) and name:
            return name
    return None


def usable_name(item: Any) -> str | None:
    """The item's name if an entity can be named after it (so its children can be read)."""
    name = item_name(item)
    if name is None:
        return None
    try:
        entity_name(name)
    except UnusableName:
        return None
    return name


@dataclass
class PageOut:
    """The entities of one page being assembled, and whether anything had to be skipped."""

    context: TranslationContext
    entities: list[Entity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    degraded: bool = False

    def degrade(self, note: str) -> None:
        self.degraded = True
        self.notes.append(note)

    def bad(self, error: BadItem, where: str) -> None:
        count_skipped(error.kind)
        message = f"skipped {error} ({where})"
        log.warning(message)
        self.degrade(message)

    def add(self, build: Callable[[], Entity], kind: str, item: Any, where: str) -> bool:
        """Append ``build()``; on :class:`BadItem` (or an item that is not an object) skip it."""
        try:
            if not isinstance(item, Mapping):
                raise BadItem(kind, None, f"expected a JSON object, got {type(item).__name__}")
            self.entities.append(build())
        except BadItem as error:
            self.bad(error, where)
            return False
        return True


def wants_detail(item: Mapping[str, Any], mode: str) -> bool:
    """Whether ``fetchComponentDetails`` asks for this component's ``?include=workload``."""
    if mode == "all":
        return True
    if mode == "none":
        return False
    kind = item.get("type")
    return isinstance(kind, str) and is_service(kind)


def add_component(
    out: PageOut,
    listed: Mapping[str, Any],
    detail: Mapping[str, Any] | None,
    org: str,
    project: str,
) -> None:
    """The Component (from its details when fetched) and, for a service, one API per endpoint.

    API names are ``<component>-<endpoint>`` shortened the same way the API entities are, so
    ``providesApis`` always names entities that exist.
    """
    where = f"organization {org!r}, project {project!r}"
    source = (
        detail if detail is not None else {k: v for k, v in listed.items() if k not in DETAIL_KEYS}
    )
    try:
        name = source.get("name")
        kind = source.get("type")
        apis: list[Entity] = []
        service = isinstance(kind, str) and is_service(kind)
        if detail is not None and isinstance(name, str) and service:
            for endpoint_name, endpoint in endpoints_of(detail):
                try:
                    apis.append(
                        api_entity(name, endpoint_name, endpoint, org, project, out.context)
                    )
                except BadItem as error:
                    out.bad(error, f"{where}, component {name!r}")
        component = component_entity(
            source,
            org,
            project,
            out.context,
            provides_apis=[api["metadata"]["name"] for api in apis],
        )
    except BadItem as error:
        out.bad(error, where)
        return
    out.entities.append(component)
    out.entities.extend(apis)
