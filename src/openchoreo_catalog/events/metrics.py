"""The event inbox's OpenTelemetry instruments (exported at ``GET /metrics``).

* ``catalog_events.accepted`` / ``.applied`` / ``.failed`` / ``.dropped`` — counters per
  ``topic`` (dropped: malformed now, no provider for the topic, or out of attempts);
* ``catalog_events.pending`` — rows in the inbox (this replica's latest estimate);
* ``catalog_events.delay`` — seconds from acceptance to the delta's commit.

A no-op meter by default, like the engine's metrics: nothing global is touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from opentelemetry.metrics import CallbackOptions, Meter, NoOpMeterProvider, Observation

SCOPE = "openchoreo_catalog.events"


class EventMetrics:
    def __init__(self, meter: Meter | None = None) -> None:
        meter = meter or NoOpMeterProvider().get_meter(SCOPE)
        self._accepted = meter.create_counter(
            "catalog_events.accepted", unit="{event}", description="Events accepted into the inbox"
        )
        self._applied = meter.create_counter(
            "catalog_events.applied",
            unit="{event}",
            description="Events whose delta committed (merged duplicates included)",
        )
        self._failed = meter.create_counter(
            "catalog_events.failed",
            unit="{event}",
            description="Failed attempts to apply an event (it is retried later)",
        )
        self._dropped = meter.create_counter(
            "catalog_events.dropped",
            unit="{event}",
            description="Events dropped unapplied (malformed, unhandled topic, out of attempts)",
        )
        self._delay = meter.create_histogram(
            "catalog_events.delay",
            unit="s",
            description="Seconds from an event's acceptance to the commit of its delta",
        )
        self._meter = meter

    def watch_pending(self, read: Callable[[], int]) -> None:
        """Report ``read()`` as the ``catalog_events.pending`` gauge."""

        def observe(_options: CallbackOptions) -> Iterable[Observation]:
            return [Observation(read())]

        self._meter.create_observable_gauge(
            "catalog_events.pending",
            callbacks=[observe],
            unit="{event}",
            description="Events accepted and not yet applied",
        )

    def accepted(self, topic: str, count: int = 1) -> None:
        self._accepted.add(count, {"topic": topic})

    def applied(self, topic: str, count: int, delays: Iterable[float]) -> None:
        self._applied.add(count, {"topic": topic})
        for delay in delays:
            self._delay.record(max(0.0, delay), {"topic": topic})

    def failed(self, topic: str, count: int) -> None:
        self._failed.add(count, {"topic": topic})

    def dropped(self, topic: str, count: int) -> None:
        self._dropped.add(count, {"topic": topic})
