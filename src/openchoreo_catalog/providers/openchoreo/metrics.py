"""What the providers count, as OpenTelemetry instruments and as plain numbers for tests.

The instruments below go to the global meter provider, which the service never installs
(each app owns its ``Telemetry``; nothing global is set), so they are no-ops there and
counting is always safe. The service exports the process-wide totals in :data:`COUNTS`
instead, with :func:`observe_counts` on its own meter: ``/metrics`` shows
``openchoreo_provider_items_skipped_total`` and the rest, so bad upstream data is visible
without reading logs. Tests and benchmarks read :data:`COUNTS` directly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Meter, Observation

_meter = metrics.get_meter("openchoreo_catalog.providers.openchoreo")

_expired = _meter.create_counter(
    "openchoreo.provider.continue_token_expired",
    description="Continue tokens that had expired (HTTP 410); the level was re-listed",
)
_skipped = _meter.create_counter(
    "openchoreo.provider.items_skipped",
    description="API items skipped because they could not become entities (bad data)",
)
_detail_failures = _meter.create_counter(
    "openchoreo.provider.detail_failures",
    description="Detail fetches (component, schema, pipeline) given up after retries",
)
_unordered = _meter.create_counter(
    "openchoreo.provider.unordered_listings",
    description="Listings found out of name order; the level was re-walked in full",
)

COUNTS: Counter[str] = Counter()
"""In-process totals: ``expired``, ``skipped``, ``detail_failures``, ``unordered``."""


def count_expired(level: str) -> None:
    COUNTS["expired"] += 1
    _expired.add(1, {"level": level})


def count_skipped(kind: str) -> None:
    COUNTS["skipped"] += 1
    _skipped.add(1, {"kind": kind})


def count_detail_failure(what: str) -> None:
    COUNTS["detail_failures"] += 1
    _detail_failures.add(1, {"what": what})


def count_unordered(level: str) -> None:
    COUNTS["unordered"] += 1
    _unordered.add(1, {"level": level})


OBSERVED = {
    "skipped": ("openchoreo.provider.items_skipped", "API items skipped as bad data"),
    "expired": ("openchoreo.provider.continue_token_expired", "Continue tokens found expired"),
    "detail_failures": ("openchoreo.provider.detail_failures", "Detail fetches given up"),
    "unordered": ("openchoreo.provider.unordered_listings", "Listings out of name order"),
}


def observe_counts(meter: Meter) -> None:
    """Export :data:`COUNTS` (this process's totals) as counters of ``meter``."""
    for key, (name, description) in OBSERVED.items():
        meter.create_observable_counter(name, callbacks=[_reading(key)], description=description)


def _reading(key: str) -> metrics.CallbackT:
    def read(_options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(COUNTS[key])]

    return read
