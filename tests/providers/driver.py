"""A small stand-in for the engine: calls ``around()``/``next()`` until the cycle is done.

With ``resume_every_page`` every page runs in its own burst from a cursor that went through
JSON, as if the process had restarted between any two pages (the engine persists the
cursor with the page). ``between`` runs after each page (expire tokens, change data…).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openchoreo_catalog.ingestion.protocol import Burst, PageResult
from openchoreo_catalog.providers.openchoreo.incremental import (
    OpenChoreoIncrementalEntityProvider,
)
from tests.providers.oracle import ref_of


@dataclass
class Cycle:
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    pages: int = 0
    degraded: bool = False
    notes: list[str] = field(default_factory=list)
    max_cursor_bytes: int = 0
    emitted: int = 0
    cursors: list[Any] = field(default_factory=list)

    def take(self, result: PageResult) -> None:
        self.pages += 1
        self.degraded = self.degraded or result.degraded
        self.notes.extend(result.notes)
        for entity in result.entities:
            self.entities[ref_of(entity)] = entity
            self.emitted += 1
        if result.cursor is not None:
            self.max_cursor_bytes = max(self.max_cursor_bytes, len(json.dumps(result.cursor)))


async def run_cycle(
    provider: OpenChoreoIncrementalEntityProvider,
    *,
    resume_every_page: bool = False,
    between: Callable[[int], None] | None = None,
    paced: bool = False,
    max_pages: int = 100_000,
    keep_cursors: bool = False,
) -> Cycle:
    cycle = Cycle()
    cursor: Any = None
    if not resume_every_page:
        async with provider.around(Burst(paced=paced)) as context:
            while cycle.pages < max_pages:
                result = await provider.next(context, cursor)
                cycle.take(result)
                if keep_cursors:
                    cycle.cursors.append(result.cursor)
                if between is not None:
                    between(cycle.pages)
                if result.done:
                    return cycle
                cursor = result.cursor
        raise AssertionError(f"no end after {max_pages} pages")
    while cycle.pages < max_pages:
        async with provider.around(Burst(paced=paced)) as context:
            result = await provider.next(context, json.loads(json.dumps(cursor)))
        cycle.take(result)
        if keep_cursors:
            cycle.cursors.append(result.cursor)
        if between is not None:
            between(cycle.pages)
        if result.done:
            return cycle
        cursor = result.cursor
    raise AssertionError(f"no end after {max_pages} pages")
