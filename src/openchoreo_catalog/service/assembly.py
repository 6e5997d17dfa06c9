"""The one place the service's parts are wired together, from :class:`Settings`.

``serve``, ``ingest --once``, the demo, the end-to-end tests and the benchmarks all build a
:class:`Service`; nothing else constructs engines, providers or the app::

    service = Service.build(settings)
    await service.prepare()                     # migrations (safe while replicas start)
    app = service.app()                         # every router of ``routers.ROUTERS``
    ...                                         # uvicorn runs app; its lifespan starts and
    await service.aclose()                      # stops the background work

What it holds:

* the :class:`Database` (from ``backend.database``) and the :class:`CatalogStore`;
* the OpenChoreo provider for ``openchoreo.mode``: the incremental one registered with the
  :class:`IngestionEngine` and ticked by the :class:`Scheduler`, or the full-sync one on its
  schedule (:class:`FullSyncRunner`) — the engine exists in both modes (the management API
  then simply lists no provider);
* the catalog-backed :class:`CatalogLookup` the provider's event handler needs;
* the event inbox (:class:`EventIngress` → :class:`InboxWriter` → :class:`InboxDrainer`,
  publishing through the engine, or straight to the store in full mode);
* :class:`ImmediateWrites` under the provider's name;
* :class:`Telemetry` (``GET /metrics``) with the engine's and the inbox's instruments and the
  provider's counts (items skipped, expired tokens, detail failures).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI

from openchoreo_catalog.api import AppContext, create_app
from openchoreo_catalog.api.app import Lifespan
from openchoreo_catalog.api.immediate import ImmediateWrites
from openchoreo_catalog.catalog import CatalogStore, Delta, MutationResult
from openchoreo_catalog.config import ConfigError, Settings
from openchoreo_catalog.db import Database
from openchoreo_catalog.events import (
    EnginePublisher,
    EventIngress,
    EventMetrics,
    InboxDrainer,
    InboxWriter,
    Publisher,
)
from openchoreo_catalog.events.drain import DrainOptions
from openchoreo_catalog.ingestion import (
    EngineMetrics,
    IncrementalEntityProvider,
    IncrementalOptions,
    IngestionEngine,
)
from openchoreo_catalog.ingestion.clock import Clock, SystemClock
from openchoreo_catalog.ingestion.manager import default_replica_id
from openchoreo_catalog.ingestion.metrics import SCOPE as ENGINE_SCOPE
from openchoreo_catalog.ingestion.scheduler import Scheduler
from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.providers.openchoreo import (
    FULL_PROVIDER_NAME,
    INCREMENTAL_PROVIDER_NAME,
    OpenChoreoEntityProvider,
    OpenChoreoEventHandler,
    OpenChoreoIncrementalEntityProvider,
)
from openchoreo_catalog.providers.openchoreo.incremental import settings_client_factory
from openchoreo_catalog.providers.openchoreo.metrics import observe_counts
from openchoreo_catalog.providers.openchoreo.translate.common import TranslationContext
from openchoreo_catalog.service.event_keys import openchoreo_event_key
from openchoreo_catalog.service.full_sync import FullSyncRunner, StorePublisher
from openchoreo_catalog.service.lookup import CatalogLookup
from openchoreo_catalog.service.progress import CountingProvider, Progress
from openchoreo_catalog.telemetry import Telemetry

PROVIDER_SCOPE = "openchoreo_catalog.providers.openchoreo"

logger = logging.getLogger(__name__)

ClientFactory = Callable[[], OpenChoreoClient]
EVENTS_SCOPE = "openchoreo_catalog.events"


@dataclass(frozen=True)
class ServiceOptions:
    """Knobs for tests, the demo and benchmarks; the defaults are the product's."""

    client_factory: ClientFactory | None = None
    """How bursts and the event handler make OpenChoreo clients (default: from settings)."""
    clock: Clock = field(default_factory=SystemClock)
    replica: str | None = None
    scheduler_grace: float = 20.0
    drain: DrainOptions = field(default_factory=DrainOptions)
    progress: Progress | None = None
    """Count the incremental provider's pages into this (``ingest --once``, the demo)."""


class Service:
    """Every part of a running openchoreo-catalog (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        options: ServiceOptions | None = None,
        owns_database: bool = True,
    ) -> None:
        options = options or ServiceOptions()
        self.settings = settings
        self.db = db
        self.owns_database = owns_database
        self.store = CatalogStore(db)
        self.telemetry = Telemetry()
        self.clock = options.clock
        self.replica = options.replica or default_replica_id()
        self.client_factory: ClientFactory = options.client_factory or settings_client_factory(
            settings.openchoreo
        )
        self.engine = IngestionEngine(
            db,
            self.store,
            clock=self.clock,
            metrics=EngineMetrics(self.telemetry.meter(ENGINE_SCOPE)),
            replica=self.replica,
        )
        observe_counts(self.telemetry.meter(PROVIDER_SCOPE))  # items skipped, …
        self.scheduler = Scheduler(self.engine, grace=options.scheduler_grace)
        self.provider_name = settings.provider_name
        self.incremental: OpenChoreoIncrementalEntityProvider | None = None
        self.full: OpenChoreoEntityProvider | None = None
        self.full_runner: FullSyncRunner | None = None
        self.lookup = CatalogLookup(db, self.provider_name)
        self._event_handler: OpenChoreoEventHandler | None = None
        publisher: Publisher
        if settings.openchoreo.mode == "incremental":
            self.incremental = OpenChoreoIncrementalEntityProvider(
                settings.openchoreo, client_factory=self.client_factory, lookup=self.lookup
            )
            registered: IncrementalEntityProvider[Any] = self.incremental
            if options.progress is not None:
                registered = CountingProvider(self.incremental, options.progress)
            self.engine.register(
                registered, IncrementalOptions.from_settings(settings.openchoreo.incremental)
            )
            publisher = EnginePublisher(self.engine)
        else:
            self.full = OpenChoreoEntityProvider(
                settings.openchoreo, self.store, client_factory=self.client_factory
            )
            self.full_runner = FullSyncRunner(self.full, grace=options.scheduler_grace)
            self._event_handler = OpenChoreoEventHandler(
                settings.openchoreo,
                TranslationContext(FULL_PROVIDER_NAME, settings.openchoreo.default_owner),
                self.client_factory,
                self.lookup,
            )
            publisher = StorePublisher(self._event_handler, self.store, FULL_PROVIDER_NAME)
        self.publisher = publisher
        event_metrics = EventMetrics(self.telemetry.meter(EVENTS_SCOPE))
        self.drainer = InboxDrainer(
            db,
            publisher,
            key=openchoreo_event_key,
            metrics=event_metrics,
            clock=self.clock,
            replica=self.replica,
            options=options.drain,
        )
        event_metrics.watch_pending(lambda: self.drainer.pending)
        self.inbox_writer = InboxWriter(db)
        self.ingress = EventIngress(
            publisher,
            self.inbox_writer,
            key=openchoreo_event_key,
            metrics=event_metrics,
            clock=self.clock,
            pending=lambda: self.drainer.pending,
            on_accepted=self.drainer.accepted,
        )
        self.immediate = ImmediateWrites(self.store, self.provider_name, self._apply_immediate)
        self._background = False

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        database: Database | None = None,
        options: ServiceOptions | None = None,
        require_openchoreo: bool = True,
    ) -> Service:
        """A service for ``settings``; raises :class:`ConfigError` for what it cannot run
        with (no ``openchoreo.baseUrl`` when ``require_openchoreo``, a bad database URL)."""
        if (
            require_openchoreo
            and not settings.openchoreo.base_url
            and not (options and options.client_factory)
        ):
            raise ConfigError(["openchoreo.baseUrl: is required to ingest from OpenChoreo"])
        owns = database is None
        db = database or Database.from_settings(settings.backend.database)
        return cls(settings, db, options=options, owns_database=owns)

    async def prepare(self) -> str | None:
        """Bring the database schema to the newest revision (safe while replicas start)."""
        return await self.db.migrate()

    # -- the HTTP app ----------------------------------------------------------------------

    def routers(self) -> list[APIRouter]:
        from openchoreo_catalog.service.routers import ROUTERS

        return [factory(self) for factory in ROUTERS]

    def app(self, *, extra_lifespans: Sequence[Lifespan] = (), background: bool = True) -> FastAPI:
        """The HTTP app with every router; its lifespan runs the background work (scheduler
        or full-sync schedule, event drainer) unless ``background`` is false."""
        hooks: list[Lifespan] = [self.lifespan] if background else []
        return create_app(
            self.settings,
            database=self.db,
            routers=self.routers(),
            lifespans=[*hooks, *extra_lifespans],
            migrate=False,
        )

    @asynccontextmanager
    async def lifespan(self, _context: AppContext) -> AsyncIterator[None]:
        await self.start()
        try:
            yield
        finally:
            await self.stop()

    # -- background work -------------------------------------------------------------------

    async def start(self) -> None:
        """Start ingesting (scheduler or full-sync schedule) and draining events."""
        self._background = True
        self.drainer.start()
        if self.full_runner is not None:
            self.full_runner.start()
        else:
            self.scheduler.start()
        logger.info(
            "service started",
            extra={
                "provider": self.provider_name,
                "replica": self.replica,
                "database": self.db.display_url,
            },
        )

    async def stop(self) -> None:
        """Stop gracefully: the page in flight commits or is abandoned whole, leases are
        released, accepted events stay in the inbox for the next start."""
        if not self._background:
            return
        self._background = False
        if self.full_runner is not None:
            await self.full_runner.stop()
        else:
            await self.scheduler.stop()
        await self.drainer.stop()
        await self.inbox_writer.aclose()
        logger.info("service stopped", extra={"provider": self.provider_name})

    async def aclose(self) -> None:
        """Release everything (after :meth:`stop`): clients, telemetry, the database."""
        await self.stop()
        if self.incremental is not None:
            await self.incremental.aclose()
        if self._event_handler is not None:
            await self._event_handler.aclose()
        with contextlib.suppress(Exception):
            self.telemetry.shutdown()
        if self.owns_database:
            await self.db.dispose()

    # -- immediate writes --------------------------------------------------------------------

    async def _apply_immediate(
        self, added: Sequence[dict[str, Any]], removed: Sequence[str]
    ) -> MutationResult:
        if self.incremental is not None:
            result = await self.engine.apply_delta(self.provider_name, added, removed)
            return result.mutation
        return await self.store.apply_mutation(
            self.provider_name, Delta(added=list(added), removed=list(removed))
        )


__all__ = ["FULL_PROVIDER_NAME", "INCREMENTAL_PROVIDER_NAME", "Service", "ServiceOptions"]
