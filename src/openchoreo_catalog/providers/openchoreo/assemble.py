"""From a step's raw items to a page of entities, with the detail fetches it needs.

Details (``GET …/components/{c}?include=workload``, component-type schemas, project
pipelines) start the moment a list page arrives, one task per item, each waiting for a slot
in the burst's window of ``maxConcurrentRequests`` requests: a sliding window (a slot frees,
the next request starts), not fixed batches with a sleep between. Results are read back in
list order. With the incremental provider's look-ahead, the next list page is fetched while
this page's details are still in flight, so the window stays full across pages.

A detail that still fails after the client's retries degrades the page: a component keeps
its basic entity (from the list item), a template or pipeline is left out, and the engine
then removes nothing this cycle. A 404 means the object vanished since it was listed: it is
left out without degrading (the next cycle's sweep removes it).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from openchoreo_catalog.ingestion.protocol import Entity, PageResult
from openchoreo_catalog.openchoreo import OpenChoreoError, OpenChoreoNotFound
from openchoreo_catalog.providers.openchoreo.emit import (
    PageOut,
    add_component,
    usable_name,
    wants_detail,
)
from openchoreo_catalog.providers.openchoreo.metrics import count_detail_failure
from openchoreo_catalog.providers.openchoreo.source import Source
from openchoreo_catalog.providers.openchoreo.translate.common import TranslationContext
from openchoreo_catalog.providers.openchoreo.translate.dataplane import dataplane_entity
from openchoreo_catalog.providers.openchoreo.translate.domain import domain_entity
from openchoreo_catalog.providers.openchoreo.translate.environment import environment_entity
from openchoreo_catalog.providers.openchoreo.translate.pipeline import pipeline_entity
from openchoreo_catalog.providers.openchoreo.translate.system import system_entity
from openchoreo_catalog.providers.openchoreo.translate.template import template_entity
from openchoreo_catalog.providers.openchoreo.walker import Batch, Work

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A detail fetch's outcome: the JSON, or that the object is gone, or why it failed."""

    data: Any = None
    gone: bool = False
    error: str | None = None


async def fetch_detail(what: str, fetch: Callable[[], Awaitable[Any]]) -> Fetched:
    try:
        data = await fetch()
    except OpenChoreoNotFound:
        return Fetched(gone=True)
    except OpenChoreoError as error:
        count_detail_failure(what)
        return Fetched(error=str(error))
    if not isinstance(data, Mapping):
        count_detail_failure(what)
        return Fetched(error=f"{what}: expected a JSON object, got {type(data).__name__}")
    return Fetched(data=data)


class Job:
    """One item's share of a page: emits its entities once its detail (if any) is in."""

    async def emit(self, out: PageOut) -> None:
        raise NotImplementedError


@dataclass
class EntityJob(Job):
    """An item that needs no detail: Domain, System, Environment, Dataplane."""

    build: Callable[[Any, str, TranslationContext], Entity]
    kind: str
    item: Any
    org: str

    async def emit(self, out: PageOut) -> None:
        where = f"organization {self.org!r}" if self.org else "organizations"
        out.add(lambda: self.build(self.item, self.org, out.context), self.kind, self.item, where)


@dataclass
class PipelineJob(Job):
    assembler: Assembler
    org: str
    project: str
    key: tuple[str, str] | None
    task: Awaitable[Fetched]

    async def emit(self, out: PageOut) -> None:
        fetched = await self.task
        seen = self.assembler.pipelines_seen
        if fetched.error is not None:
            if self.key is not None:
                seen.discard(self.key)  # let another project of this pipeline try again
            out.degrade(
                f"deployment pipeline of project {self.project!r} in organization "
                f"{self.org!r}: {fetched.error}"
            )
            return
        if fetched.gone:
            return
        name = fetched.data.get("name")
        if self.key is None and isinstance(name, str):
            if (self.org, name) in seen:
                return
            seen.add((self.org, name))
        out.add(
            lambda: pipeline_entity(fetched.data, self.org, self.project, out.context),
            "deployment pipeline",
            fetched.data,
            f"organization {self.org!r}, project {self.project!r}",
        )


@dataclass
class TemplateJob(Job):
    org: str
    item: Any
    task: Awaitable[Fetched] | None

    async def emit(self, out: PageOut) -> None:
        schema = None
        if self.task is not None:
            fetched = await self.task
            if fetched.error is not None:
                out.degrade(
                    f"schema of component type {self.item.get('name')!r} in "
                    f"organization {self.org!r}: {fetched.error}"
                )
                return
            if fetched.gone:
                return
            schema = fetched.data
        out.add(
            lambda: template_entity(self.item, schema, self.org, out.context),
            "component type",
            self.item,
            f"organization {self.org!r}",
        )


@dataclass
class ComponentJob(Job):
    org: str
    project: str
    item: Any
    task: Awaitable[Fetched] | None

    async def emit(self, out: PageOut) -> None:
        where = f"organization {self.org!r}, project {self.project!r}"
        if not isinstance(self.item, Mapping):
            out.add(dict, "component", self.item, where)
            return
        detail = None
        if self.task is not None:
            fetched = await self.task
            if fetched.gone:
                return
            if fetched.error is not None:
                out.degrade(
                    f"details of component {self.item.get('name')!r} ({where}): "
                    f"{fetched.error}; kept its basic entity"
                )
            else:
                detail = fetched.data
        add_component(out, self.item, detail, self.org, self.project)


@dataclass
class Pending:
    """A page whose list items are in and whose detail fetches are running."""

    work: Work
    jobs: list[Job] = field(default_factory=list)
    tasks: list[asyncio.Task[Fetched]] = field(default_factory=list)

    async def result(self, context: TranslationContext) -> PageResult:
        out = PageOut(context)
        for note in self.work.notes:
            out.degrade(note)
        for job in self.jobs:
            await job.emit(out)
        return PageResult(
            entities=out.entities,
            cursor=None if self.work.done else self.work.cursor.to_json(),
            done=self.work.done,
            degraded=out.degraded,
            notes=tuple(out.notes),
        )

    def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()


def _domain(item: Any, _org: str, context: TranslationContext) -> Entity:
    return domain_entity(item, context)


_SIMPLE: dict[str, tuple[Callable[[Any, str, TranslationContext], Entity], str]] = {
    "orgs": (_domain, "organization"),
    "environments": (environment_entity, "environment"),
    "dataplanes": (dataplane_entity, "dataplane"),
    "projects": (system_entity, "project"),
}


class Assembler:
    """Starts a step's detail fetches and turns its items into entities.

    ``pipelines_seen`` holds the (organization, pipeline) pairs emitted in this burst: a
    pipeline shared by many projects is fetched and written once per organization walk.
    """

    def __init__(self, source: Source, context: TranslationContext, details_mode: str) -> None:
        self.source = source
        self.context = context
        self.details_mode = details_mode
        self.pipelines_seen: set[tuple[str, str]] = set()

    def start(self, work: Work) -> Pending:
        pending = Pending(work)
        for batch in work.batches:
            self._batch(batch, pending)
        return pending

    def _fetch(
        self, pending: Pending, what: str, fetch: Callable[[], Awaitable[Any]]
    ) -> asyncio.Task[Fetched]:
        task = asyncio.create_task(fetch_detail(what, fetch))
        pending.tasks.append(task)
        return task

    def _batch(self, batch: Batch, pending: Pending) -> None:
        org = batch.org or ""
        simple = _SIMPLE.get(batch.kind)
        if simple is not None:
            build, label = simple
            pending.jobs.extend(EntityJob(build, label, item, org) for item in batch.items)
        if batch.kind == "projects":
            self._pipelines(org, batch.items, pending)
        elif batch.kind == "componentTypes":
            for item in batch.items:
                name = usable_name(item)
                task = None
                if name is not None:
                    task = self._fetch(
                        pending,
                        "schema",
                        partial(self.source.component_type_schema, org, name),
                    )
                pending.jobs.append(TemplateJob(org, item, task))
        elif batch.kind == "components":
            project = batch.project or ""
            for item in batch.items:
                pending.jobs.append(
                    ComponentJob(org, project, item, self._detail(pending, org, project, item))
                )

    def _detail(
        self, pending: Pending, org: str, project: str, item: Any
    ) -> Awaitable[Fetched] | None:
        name = usable_name(item)
        if name is None or not wants_detail(item, self.details_mode):
            return None
        if "workload" in item:  # already a detail (an event's GET): no second fetch
            return _ready(Fetched(data=item))
        return self._fetch(pending, "component", partial(self.source.component, org, project, name))

    def _pipelines(self, org: str, items: Sequence[Any], pending: Pending) -> None:
        for item in items:
            project = usable_name(item)
            if project is None:
                continue
            named = item.get("deploymentPipeline")
            key = (org, named) if isinstance(named, str) and named else None
            if key is not None:
                if key in self.pipelines_seen:
                    continue
                self.pipelines_seen.add(key)
            task = self._fetch(pending, "pipeline", partial(self.source.pipeline, org, project))
            pending.jobs.append(PipelineJob(self, org, project, key, task))


async def _ready(value: Fetched) -> Fetched:
    return value
