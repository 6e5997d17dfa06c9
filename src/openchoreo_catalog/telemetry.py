"""Metrics for the whole service: an OpenTelemetry MeterProvider owned by the app, exported
in Prometheus' text format by ``GET /metrics``.

Each :class:`Telemetry` has its own Prometheus ``CollectorRegistry`` (not the process-wide
default), so two apps in one process (tests) never collide, and nothing global is set.
"""

from __future__ import annotations

from fastapi import APIRouter, Response
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.metrics import Meter
from opentelemetry.sdk.metrics import MeterProvider
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest


class Telemetry:
    """A MeterProvider whose readings ``render()`` as Prometheus text."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.reader = PrometheusMetricReader(registry=self.registry)
        self.provider = MeterProvider(metric_readers=[self.reader])

    def meter(self, name: str) -> Meter:
        return self.provider.get_meter(name)

    def render(self) -> bytes:
        return generate_latest(self.registry)

    def shutdown(self) -> None:
        """Flush and detach the reader (it unregisters itself from the registry)."""
        self.provider.shutdown()


def metrics_router(telemetry: Telemetry) -> APIRouter:
    """``GET /metrics`` in Prometheus' text exposition format."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(telemetry.render(), media_type=CONTENT_TYPE_LATEST)

    return router
