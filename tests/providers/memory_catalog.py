"""A catalog in a dict, for provider tests before (and besides) the real store.

Implements the event handler's :class:`EntityRefLookup` the way the service will, from the
``openchoreo.io/*`` annotations, and the full-sync provider's target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openchoreo_catalog.catalog.mutations import Delta, Full
from openchoreo_catalog.ingestion.protocol import EventDelta
from tests.providers.oracle import ref_of


@dataclass
class MemoryCatalog:
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    mutations: list[tuple[str, int]] = field(default_factory=list)

    def upsert(self, entities: Sequence[dict[str, Any]]) -> None:
        for entity in entities:
            self.entities[ref_of(entity)] = entity

    def apply(self, delta: EventDelta) -> None:
        self.upsert(delta.added)
        for ref in delta.removed:
            self.entities.pop(ref.lower(), None)

    async def refs_in(
        self, organization: str, project: str | None = None, component: str | None = None
    ) -> list[str]:
        found = []
        for ref, entity in self.entities.items():
            notes = entity["metadata"].get("annotations", {})
            if notes.get("openchoreo.io/organization") != organization:
                continue
            in_project = project in (
                notes.get("openchoreo.io/project"),
                notes.get("openchoreo.io/project-id"),
            )
            if project is not None and not in_project:
                continue
            if component is not None and notes.get("openchoreo.io/component") != component:
                continue
            found.append(ref)
        return found

    # full-sync target (the catalog store's signature)
    async def apply_mutation(self, provider: str, mutation: Delta | Full) -> None:
        if isinstance(mutation, Full):
            self.mutations.append(("full", len(mutation.entities)))
            self.entities = {}
            self.upsert(list(mutation.entities))
        else:
            self.mutations.append(("delta", len(mutation.added)))
            self.upsert(list(mutation.added))
            for ref in mutation.removed:
                self.entities.pop(ref, None)
