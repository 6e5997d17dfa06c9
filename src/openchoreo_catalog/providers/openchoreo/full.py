"""``OpenChoreoEntityProvider``: the seed's scheduled full sync, now paginated.

Every ``openchoreo.schedule.frequency`` seconds (each run bounded by
``openchoreo.schedule.timeout``) it reads the whole platform — every list walked to its end
with re-listing on expired tokens, the same translation and the same details window as the
incremental provider — and replaces the provider's entities in the catalog with ONE full
mutation. Selected with ``openchoreo.mode: full``; meant for small installations and as the
memory baseline of the benchmarks: it holds the whole platform in memory, by design.

A degraded run (an item skipped, a detail given up) must not delete what it could not read:
it then applies its entities as additions only, removes nothing, and says so in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from openchoreo_catalog.catalog.mutations import Delta, Full, Mutation
from openchoreo_catalog.config import OpenChoreoSettings
from openchoreo_catalog.ingestion.protocol import Entity
from openchoreo_catalog.openchoreo import OpenChoreoClient, OpenChoreoNotFound
from openchoreo_catalog.providers.openchoreo import source as api
from openchoreo_catalog.providers.openchoreo.assemble import Assembler
from openchoreo_catalog.providers.openchoreo.cursor import Cursor
from openchoreo_catalog.providers.openchoreo.emit import usable_name
from openchoreo_catalog.providers.openchoreo.incremental import settings_client_factory
from openchoreo_catalog.providers.openchoreo.source import Source, walk_raw
from openchoreo_catalog.providers.openchoreo.translate.common import TranslationContext
from openchoreo_catalog.providers.openchoreo.walker import Batch, Work
from openchoreo_catalog.providers.openchoreo.window import Window

log = logging.getLogger(__name__)

FULL_PROVIDER_NAME = "OpenChoreoEntityProvider"


class FullSyncTarget(Protocol):
    """Where a run's entities go: the catalog store (:class:`CatalogStore` fits as is)."""

    async def apply_mutation(self, provider: str, mutation: Mutation) -> Any:
        """``Full``: the provider's entities become exactly these; ``Delta``: add only."""
        ...


@dataclass
class FullRun:
    """What one run read and did."""

    entities: list[Entity] = field(default_factory=list)
    degraded: bool = False
    notes: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    rejected: int = 0


class OpenChoreoEntityProvider:
    """Reads everything, applies one full mutation; see the module docstring."""

    def __init__(
        self,
        settings: OpenChoreoSettings,
        target: FullSyncTarget,
        *,
        client_factory: Callable[[], OpenChoreoClient] | None = None,
        name: str = FULL_PROVIDER_NAME,
    ) -> None:
        self.settings = settings
        self.target = target
        self.name = name
        self._client_factory = client_factory or settings_client_factory(settings)
        self.translation = TranslationContext(name, settings.default_owner)

    async def read(self) -> FullRun:
        """Walk the whole platform and translate it (no catalog writes)."""
        started = time.monotonic()
        incremental = self.settings.incremental
        async with self._client_factory() as client:
            source = Source(
                client,
                Window(incremental.max_concurrent_requests),
                incremental.page_size,
            )
            assembler = Assembler(source, self.translation, incremental.fetch_component_details)
            run = FullRun()
            orgs = await walk_raw(source, api.ORGS, {})
            await self._collect(assembler, run, [Batch("orgs", None, None, orgs)])
            names = [name for name in map(usable_name, orgs) if name is not None]
            await asyncio.gather(*(self._org(source, assembler, run, org) for org in names))
            run.requests = client.stats.total_requests
        run.seconds = time.monotonic() - started
        return run

    async def run_once(self) -> FullRun:
        """One run within ``schedule.timeout``: read, then one mutation."""
        async with asyncio.timeout(self.settings.schedule.timeout):
            run = await self.read()
        if run.degraded:
            for note in run.notes:
                log.warning("%s: %s", self.name, note)
            log.warning(
                "%s: this run could not read everything (%d problems): applying its %d "
                "entities as additions only and removing nothing",
                self.name,
                len(run.notes),
                len(run.entities),
            )
            result = await self.target.apply_mutation(self.name, Delta(added=run.entities))
        else:
            result = await self.target.apply_mutation(self.name, Full(entities=run.entities))
        rejected = getattr(result, "rejected", None)
        if rejected:
            run.rejected = len(rejected)
            log.warning(
                "%s: the catalog rejected %d entities, e.g. %s",
                self.name,
                len(rejected),
                rejected[0],
            )
        log.info(
            "%s: %d entities in %.1f s (%d requests)",
            self.name,
            len(run.entities),
            run.seconds,
            run.requests,
        )
        return run

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run every ``schedule.frequency`` seconds until ``stop`` is set; a failed run is
        logged and the schedule goes on."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as error:  # the schedule survives a bad run; it says why
                log.error("%s: run failed: %s", self.name, error)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.settings.schedule.frequency)

    # -- walking ---------------------------------------------------------------------------

    async def _org(self, source: Source, assembler: Assembler, run: FullRun, org: str) -> None:
        params = {"orgName": org}
        try:
            batches = [
                Batch(kind, org, None, await walk_raw(source, api.ORG_LISTS[kind], params))
                for kind in ("environments", "dataplanes", "componentTypes")
            ]
            projects = await walk_raw(source, api.PROJECTS, params)
        except OpenChoreoNotFound as error:
            if error.code != api.ORG_GONE:
                raise
            return  # gone since it was listed
        batches.append(Batch("projects", org, None, projects))
        await self._collect(assembler, run, batches)
        names = [name for name in map(usable_name, projects) if name is not None]
        await asyncio.gather(
            *(self._project(source, assembler, run, org, project) for project in names)
        )

    async def _project(
        self, source: Source, assembler: Assembler, run: FullRun, org: str, project: str
    ) -> None:
        params = {"orgName": org, "projectName": project}
        try:
            components = await walk_raw(source, api.COMPONENTS, params)
        except OpenChoreoNotFound as error:
            if error.code not in (api.ORG_GONE, api.PROJECT_GONE):
                raise
            return
        await self._collect(assembler, run, [Batch("components", org, project, components)])

    async def _collect(self, assembler: Assembler, run: FullRun, batches: list[Batch]) -> None:
        pending = assembler.start(Work(cursor=Cursor(), batches=batches, done=True))
        try:
            page = await pending.result(self.translation)
        finally:
            pending.cancel()
        run.entities.extend(page.entities)
        if page.degraded:
            run.degraded = True
            run.notes.extend(page.notes)
