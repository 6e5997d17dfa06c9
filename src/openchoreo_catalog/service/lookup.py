"""The event handler's view of the catalog: which refs a provider holds under an object.

Implements the providers' :class:`~openchoreo_catalog.providers.openchoreo.EntityRefLookup`
with one catalog query on the annotations every entity of the provider carries
(``backstage.io/managed-by-location: provider:<name>``, ``openchoreo.io/organization``,
``openchoreo.io/project`` or ``openchoreo.io/project-id`` on Systems, ``openchoreo.io/component``)
— answered from the search index, so a deleted organization's subtree is found without
scanning the catalog.
"""

from __future__ import annotations

import orjson

from openchoreo_catalog.catalog import CatalogStore, stringify_ref
from openchoreo_catalog.catalog.queries import Condition, EntityFilter, Selection

_ANNOTATIONS = "metadata.annotations."
_FIELDS = ["kind", "metadata.namespace", "metadata.name"]


def _condition(annotation: str, value: str) -> Condition:
    return Condition(f"{_ANNOTATIONS}{annotation}".lower(), (value.lower(),))


class CatalogLookup:
    """``refs_in(organization, project=None, component=None)`` over ``store``."""

    def __init__(self, store: CatalogStore, provider: str) -> None:
        self.store = store
        self.provider = provider

    async def refs_in(
        self, organization: str, project: str | None = None, component: str | None = None
    ) -> list[str]:
        base = [
            _condition("backstage.io/managed-by-location", f"provider:{self.provider}"),
            _condition("openchoreo.io/organization", organization),
        ]
        if component is not None:
            base.append(_condition("openchoreo.io/component", component))
        if project is None:
            alternatives = [tuple(base)]
        else:
            alternatives = [
                (*base, _condition("openchoreo.io/project", project)),
                (*base, _condition("openchoreo.io/project-id", project)),
            ]
        selection = Selection(EntityFilter(tuple(alternatives)))
        refs: list[str] = []
        async for text in self.store.list_entities(selection=selection, fields=_FIELDS):
            entity = orjson.loads(text)
            metadata = entity.get("metadata", {})
            refs.append(stringify_ref(entity["kind"], metadata.get("namespace"), metadata["name"]))
        return refs
