"""The generic incremental ingestion engine (knows nothing about OpenChoreo).

* :mod:`.protocol` — what a provider is (``IncrementalEntityProvider``, ``PageResult``,
  ``EventHandler``, ``IncrementalOptions``).
* :class:`IngestionEngine` — registered providers: ``tick``, ``run_cycle``, ``publish``,
  ``apply_delta`` and the admin actions.
* :class:`Scheduler` — ticks every provider on its schedule, under per-provider leases.
* :func:`management_router` — the ``/incremental`` management API (FastAPI).
* :class:`EngineMetrics` — the OpenTelemetry instruments (served by
  :mod:`openchoreo_catalog.telemetry`'s ``GET /metrics``).

Modules, one idea each: ``state`` (cycles and marks SQL), ``bookkeeping`` (the sweep's
active/seen refs), ``pages`` (one page exactly once), ``burst``, ``sweep``, ``engine`` (one
provider's state machine), ``events``, ``lease``, ``admin``, ``progress``, ``manager``.
"""

from openchoreo_catalog.ingestion.clock import Clock, ManualClock, SystemClock
from openchoreo_catalog.ingestion.cycle import CycleSummary
from openchoreo_catalog.ingestion.engine import ProviderEngine, StepResult
from openchoreo_catalog.ingestion.errors import (
    IngestionChanged,
    LeaseLost,
    ProviderBusy,
    UnknownProvider,
)
from openchoreo_catalog.ingestion.events import DeltaResult
from openchoreo_catalog.ingestion.management import management_router
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.metrics import EngineMetrics
from openchoreo_catalog.ingestion.protocol import (
    IGNORED,
    Burst,
    Entity,
    EventDelta,
    EventHandler,
    Ignored,
    IncrementalEntityProvider,
    IncrementalOptions,
    JsonValue,
    PageResult,
)
from openchoreo_catalog.ingestion.scheduler import Scheduler, scheduler_lifespan

__all__ = [
    "IGNORED",
    "Burst",
    "Clock",
    "CycleSummary",
    "DeltaResult",
    "EngineMetrics",
    "Entity",
    "EventDelta",
    "EventHandler",
    "Ignored",
    "IncrementalEntityProvider",
    "IncrementalOptions",
    "IngestionChanged",
    "IngestionEngine",
    "JsonValue",
    "LeaseLost",
    "ManualClock",
    "PageResult",
    "ProviderBusy",
    "ProviderEngine",
    "Scheduler",
    "StepResult",
    "SystemClock",
    "UnknownProvider",
    "management_router",
    "scheduler_lifespan",
]
