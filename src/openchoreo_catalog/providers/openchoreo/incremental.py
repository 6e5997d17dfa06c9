"""``OpenChoreoIncrementalEntityProvider``: the platform, walked page by page for the engine.

Wiring (the service does this)::

    provider = OpenChoreoIncrementalEntityProvider(settings.openchoreo, lookup=catalog_lookup)
    engine.add_provider(provider, IncrementalOptions.from_settings(settings.openchoreo.incremental))

Each burst opens a client (one connection pool), a window of ``maxConcurrentRequests``
request slots shared by everything the burst fetches, and the burst's page memory. Each
:meth:`next` returns the entities of one list page (plus the details that page needs) and a
small JSON cursor (see ``cursor.py``); the traversal itself is ``walker.py``.

Pacing: in a paced burst (the scheduler's normal bursts) the provider waits
``batchDelayMs`` between two pages, to spare the API; a run-once burst (``ingest --once``,
benchmarks) never waits and walks ahead instead (``prefetch.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from openchoreo_catalog.config import OpenChoreoSettings
from openchoreo_catalog.ingestion.protocol import Burst, EventHandler, JsonValue, PageResult
from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.providers.openchoreo.assemble import Assembler, Pending
from openchoreo_catalog.providers.openchoreo.cursor import Cursor, InvalidCursor
from openchoreo_catalog.providers.openchoreo.events import OpenChoreoEventHandler
from openchoreo_catalog.providers.openchoreo.lookup import EntityRefLookup
from openchoreo_catalog.providers.openchoreo.memory import PageMemory
from openchoreo_catalog.providers.openchoreo.prefetch import Prefetcher
from openchoreo_catalog.providers.openchoreo.source import Source
from openchoreo_catalog.providers.openchoreo.translate.common import TranslationContext
from openchoreo_catalog.providers.openchoreo.walker import Walker
from openchoreo_catalog.providers.openchoreo.window import Window

log = logging.getLogger(__name__)

INCREMENTAL_PROVIDER_NAME = "OpenChoreoIncrementalEntityProvider"
LOOKAHEAD_PAGES = 2
SPECULATE_PROJECTS = 4
"""In run-once bursts, first component pages requested ahead of their project's turn."""
PARK_SECONDS = 5.0
"""How long a run-once burst's context waits for the next burst to adopt it."""

pause = asyncio.sleep
"""The pause between two pages of a paced burst (a name of its own so tests can watch it)."""

ClientFactory = Callable[[], OpenChoreoClient]


def settings_client_factory(settings: OpenChoreoSettings) -> ClientFactory:
    """Clients built from ``openchoreo.*`` (base URL, token, rate limit, page size)."""
    return lambda: OpenChoreoClient.from_settings(settings)


@dataclass
class IncrementalContext:
    """What one burst holds: client, window, page memory, and the look-ahead if unpaced."""

    client: OpenChoreoClient
    walker: Walker
    assembler: Assembler
    memory: PageMemory
    paced: bool
    prefetcher: Prefetcher | None = None
    pages_served: int = 0
    current: Pending | None = None
    list_requests: int = 0
    expirations: int = 0
    degraded_pages: int = 0
    finished: bool = False
    """The last page served ended the cycle: nothing to keep for a next burst."""
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.get_running_loop)

    def new_cycle(self) -> None:
        """A cycle starts from nothing: forget pages and pipelines of the last one."""
        self.memory.clear()
        self.assembler.pipelines_seen.clear()


class OpenChoreoIncrementalEntityProvider:
    """The engine's view of OpenChoreo (see ``ingestion.protocol.IncrementalEntityProvider``).

    ``client_factory`` makes the client a burst uses (default: from ``settings``; tests and
    benchmarks pass their own to count requests); ``lookup`` lets the event handler find
    what the catalog holds under an organization or project (for deletions).
    """

    def __init__(
        self,
        settings: OpenChoreoSettings,
        *,
        client_factory: ClientFactory | None = None,
        lookup: EntityRefLookup | None = None,
        name: str = INCREMENTAL_PROVIDER_NAME,
    ) -> None:
        self.settings = settings
        self._name = name
        self._client_factory = client_factory or settings_client_factory(settings)
        self.translation = TranslationContext(name, settings.default_owner)
        self._events = OpenChoreoEventHandler(
            settings, self.translation, self._client_factory, lookup
        )
        self._parked: tuple[IncrementalContext, asyncio.TimerHandle] | None = None
        self._closing: set[asyncio.Future[None]] = set()

    @property
    def name(self) -> str:
        return self._name

    @property
    def event_handler(self) -> EventHandler:
        return self._events

    async def aclose(self) -> None:
        """Close the event handler's client and a burst context kept for the next burst."""
        await self._events.aclose()
        await self._unpark()

    @asynccontextmanager
    async def around(self, burst: Burst) -> AsyncIterator[IncrementalContext]:
        """The burst's context; a run-once burst's is kept a moment for the next burst.

        Run-once cycles (``ingest --once``, benchmarks) are bursts back to back: the next
        burst adopts the context the last one left (its client, held pages and look-ahead),
        so a burst boundary costs no re-fetch and throws no look-ahead away. A context not
        adopted within :data:`PARK_SECONDS` is closed. A paced burst, or one that failed,
        always closes its own.
        """
        context = self._adopt(burst)
        if context is None:
            context = self._open(burst)
        try:
            yield context
        except BaseException:
            await self._close(context)
            raise
        if burst.paced or context.finished:
            await self._close(context)
        else:
            await self._park(context)

    def _open(self, burst: Burst) -> IncrementalContext:
        incremental = self.settings.incremental
        client = self._client_factory()
        source = Source(client, Window(incremental.max_concurrent_requests), incremental.page_size)
        memory = PageMemory()
        walker = Walker(source, memory, speculate=0 if burst.paced else SPECULATE_PROJECTS)
        assembler = Assembler(source, self.translation, incremental.fetch_component_details)
        context = IncrementalContext(client, walker, assembler, memory, burst.paced)
        if not burst.paced:
            # a discarded look-ahead may have claimed pipelines: let them be fetched again
            context.prefetcher = Prefetcher(
                walker, assembler, LOOKAHEAD_PAGES, assembler.pipelines_seen.clear
            )
        return context

    def _adopt(self, burst: Burst) -> IncrementalContext | None:
        parked, self._parked = self._parked, None
        if parked is None:
            return None
        context, timer = parked
        timer.cancel()
        if context.loop is not asyncio.get_running_loop():
            return None  # its loop is gone, and its connections with it
        if burst.paced:
            self._closing.add(asyncio.ensure_future(self._close(context)))
            return None
        return context

    async def _park(self, context: IncrementalContext) -> None:
        await self._unpark()
        loop = asyncio.get_running_loop()

        def expire() -> None:
            if self._parked is not None and self._parked[0] is context:
                self._parked = None
                task = loop.create_task(self._close(context))
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)

        self._parked = (context, loop.call_later(PARK_SECONDS, expire))

    async def _unpark(self) -> None:
        parked, self._parked = self._parked, None
        if parked is not None:
            parked[1].cancel()
            await self._close(parked[0])
        while self._closing:
            await self._closing.pop()

    @staticmethod
    async def _close(context: IncrementalContext) -> None:
        try:
            if context.prefetcher is not None:
                await context.prefetcher.aclose()
            if context.current is not None:
                context.current.cancel()
                await asyncio.gather(*context.current.tasks, return_exceptions=True)
            await context.walker.aclose()
        finally:
            await context.client.aclose()

    async def next(self, context: IncrementalContext, cursor: JsonValue) -> PageResult:
        try:
            position = Cursor.from_json(cursor)
        except InvalidCursor as error:
            log.warning("%s: unreadable cursor (%s): walking from the start", self.name, error)
            position, cursor = Cursor(), None
        if cursor is None:
            context.new_cycle()
        if context.paced and context.pages_served:
            await pause(self.settings.incremental.batch_delay_ms / 1000)
        if context.prefetcher is not None:
            pending = await context.prefetcher.take(position)
        else:
            pending = context.assembler.start(await context.walker.step(position))
        context.current = pending
        result = await pending.result(self.translation)
        context.current = None
        context.pages_served += 1
        context.finished = result.done
        context.list_requests += pending.work.list_requests
        context.expirations += pending.work.expirations
        if result.degraded:
            context.degraded_pages += 1
            for note in result.notes:
                log.warning("%s: degraded page: %s", self.name, note)
        return result
