"""Live figures of an ingestion for people: organizations, projects, components, entities/s.

:class:`CountingProvider` wraps an incremental provider and counts the kinds of the entities
on each page it returns — the engine and the provider stay unaware. ``ingest --once`` and the
demo show these figures while a cycle runs (pages fetched ahead by the look-ahead are counted
when fetched, a moment before they commit).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from openchoreo_catalog.ingestion.protocol import (
    Burst,
    Entity,
    EventHandler,
    IncrementalEntityProvider,
    JsonValue,
    PageResult,
)


@dataclass
class Progress:
    started: float = field(default_factory=time.monotonic)
    pages: int = 0
    entities: int = 0
    kinds: Counter[str] = field(default_factory=Counter)

    def add(self, entities: Sequence[Entity]) -> None:
        self.pages += 1
        self.entities += len(entities)
        self.kinds.update(str(entity.get("kind", "?")) for entity in entities)

    @property
    def seconds(self) -> float:
        return max(1e-9, time.monotonic() - self.started)

    @property
    def rate(self) -> float:
        return self.entities / self.seconds

    def figures(self) -> dict[str, Any]:
        return {
            "orgs": self.kinds["Domain"],
            "projects": self.kinds["System"],
            "components": self.kinds["Component"],
            "entities": self.entities,
            "pages": self.pages,
            "entities_per_second": round(self.rate, 1),
        }

    def line(self) -> str:
        f = self.figures()
        return (
            f"orgs {f['orgs']:,} · projects {f['projects']:,} · components "
            f"{f['components']:,} · entities {f['entities']:,} "
            f"({f['entities_per_second']:,.0f}/s, {f['pages']:,} pages)"
        )


class CountingProvider:
    """``inner`` with every page counted into ``progress`` (same name, same events)."""

    def __init__(self, inner: IncrementalEntityProvider[Any], progress: Progress) -> None:
        self.inner = inner
        self.progress = progress

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def event_handler(self) -> EventHandler | None:
        return self.inner.event_handler

    def around(self, burst: Burst) -> AbstractAsyncContextManager[Any]:
        return self.inner.around(burst)

    async def next(self, context: Any, cursor: JsonValue) -> PageResult:
        page = await self.inner.next(context, cursor)
        self.progress.add(page.entities)
        return page
