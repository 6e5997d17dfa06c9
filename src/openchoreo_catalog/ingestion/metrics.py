"""The engine's OpenTelemetry instruments, exported for Prometheus by :mod:`.telemetry`.

Names follow Backstage's module where it has them — the gauges
``catalog_incremental.ingestions.started`` (epoch seconds a cycle last started, attribute
``providerName``) and ``catalog_incremental.ingestions.completed`` (epoch seconds a cycle last
ended, attributes ``providerName`` and ``status``: ``completed`` or ``failed``) — and add
counters and histograms for what operators ask about: pages, entities added and removed,
removals rejected (with the reason), burst durations, and the provider's current state.

The instruments come from a ``Meter`` the caller passes (the app owns its MeterProvider); a
no-op meter by default, so the engine never touches global state.
"""

from __future__ import annotations

from opentelemetry.metrics import Meter, NoOpMeterProvider

from openchoreo_catalog.ingestion import status as st

SCOPE = "openchoreo_catalog.ingestion"


class EngineMetrics:
    """Instruments of the engine; every method takes the provider's name first."""

    def __init__(self, meter: Meter | None = None) -> None:
        meter = meter or NoOpMeterProvider().get_meter(SCOPE)
        self._started = meter.create_gauge(
            "catalog_incremental.ingestions.started",
            unit="s",
            description="Epoch timestamp when the ingestion was last started",
        )
        self._completed = meter.create_gauge(
            "catalog_incremental.ingestions.completed",
            unit="s",
            description="Epoch timestamp when the ingestion was last completed",
        )
        self._pages = meter.create_counter(
            "catalog_incremental.pages", unit="{page}", description="Pages committed"
        )
        self._seen = meter.create_counter(
            "catalog_incremental.entities.seen",
            unit="{entity}",
            description="Entities emitted by providers in committed pages",
        )
        self._added = meter.create_counter(
            "catalog_incremental.entities.added",
            unit="{entity}",
            description="Entities inserted or changed in the catalog",
        )
        self._removed = meter.create_counter(
            "catalog_incremental.entities.removed",
            unit="{entity}",
            description="Entities removed from the catalog by sweeps and events",
        )
        self._rejected = meter.create_counter(
            "catalog_incremental.removals.rejected",
            unit="{entity}",
            description="Stale entities kept because a safety limit rejected the removal",
        )
        self._bursts = meter.create_histogram(
            "catalog_incremental.burst.duration", unit="s", description="Duration of bursts"
        )
        self._state = meter.create_gauge(
            "catalog_incremental.ingestion.state",
            description="1 for the provider's current status, 0 for the others",
        )

    def started(self, provider: str, at: float) -> None:
        self._started.set(at, {"providerName": provider})

    def completed(self, provider: str, at: float, *, failed: bool = False) -> None:
        status = "failed" if failed else "completed"
        self._completed.set(at, {"providerName": provider, "status": status})

    def page(self, provider: str, *, entities: int, written: int) -> None:
        attributes = {"providerName": provider}
        self._pages.add(1, attributes)
        self._seen.add(entities, attributes)
        if written:
            self._added.add(written, attributes)

    def added(self, provider: str, count: int) -> None:
        if count:
            self._added.add(count, {"providerName": provider})

    def removed(self, provider: str, count: int) -> None:
        if count:
            self._removed.add(count, {"providerName": provider})

    def removals_rejected(self, provider: str, count: int, reason: str) -> None:
        self._rejected.add(count, {"providerName": provider, "reason": reason})

    def burst(self, provider: str, seconds: float, outcome: str) -> None:
        self._bursts.record(seconds, {"providerName": provider, "outcome": outcome})

    def state(self, provider: str, status: str) -> None:
        for candidate in st.STATUSES:
            value = 1 if candidate == status else 0
            self._state.set(value, {"providerName": provider, "status": candidate})
