"""What the providers count, as OpenTelemetry instruments and as plain numbers for tests.

The engine's metrics module exports whatever is registered with the global meter provider
(Prometheus at ``/metrics``); until one is installed the OpenTelemetry API hands out no-op
instruments, so counting is always safe. :data:`COUNTS` mirrors the counters in-process so
tests and benchmarks can read them without an exporter.
"""

from __future__ import annotations

from collections import Counter

from opentelemetry import metrics

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
