"""``GET /metrics``: the engine's OpenTelemetry instruments in Prometheus' text format."""

from __future__ import annotations

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.metrics import SCOPE, EngineMetrics
from openchoreo_catalog.telemetry import Telemetry, metrics_router
from tests.fixtures.app import client_for
from tests.ingestion.conftest import OPTIONS
from tests.ingestion.helpers import ScriptedProvider, comps


async def test_metrics_are_served_for_prometheus(sqlite_database: Database) -> None:
    telemetry = Telemetry()
    try:
        engine = IngestionEngine(
            sqlite_database, metrics=EngineMetrics(telemetry.meter(SCOPE)), replica="m"
        )
        provider = ScriptedProvider("p", [comps("a", "b"), comps("c")])
        engine.register(provider, OPTIONS)
        await engine.run_cycle("p")
        provider.pages = [comps("a")]
        await engine.run_cycle("p")
        async with client_for(sqlite_database, routers=[metrics_router(telemetry)]) as client:
            response = await client.get("/metrics")
        assert response.status_code == 200
        text = response.text
        lines = [line for line in text.splitlines() if not line.startswith("#")]

        def value(prefix: str, *labels: str) -> float:
            for line in lines:
                if line.startswith(prefix) and all(label in line for label in labels):
                    return float(line.rsplit(" ", 1)[1])
            raise AssertionError(f"{prefix} {labels} not in\n{text}")

        assert value("catalog_incremental_ingestions_started", 'providerName="p"') > 0
        assert (
            value(
                "catalog_incremental_ingestions_completed", 'providerName="p"', 'status="completed"'
            )
            > 0
        )
        assert value("catalog_incremental_pages", 'providerName="p"') == 3
        assert value("catalog_incremental_entities_added", 'providerName="p"') == 3
        assert value("catalog_incremental_entities_removed", 'providerName="p"') == 2
        assert value("catalog_incremental_burst_duration", "_count", 'outcome="done"') == 2
        assert value("catalog_incremental_ingestion_state", 'status="resting"') == 1
        assert value("catalog_incremental_ingestion_state", 'status="bursting"') == 0
    finally:
        telemetry.shutdown()


async def test_rejected_removals_are_counted_with_their_reason(sqlite_database: Database) -> None:
    telemetry = Telemetry()
    try:
        engine = IngestionEngine(
            sqlite_database, metrics=EngineMetrics(telemetry.meter(SCOPE)), replica="m"
        )
        provider = ScriptedProvider("p", [comps("a", "b")], degraded={0})
        engine.register(provider, OPTIONS)
        await engine.run_cycle("p")
        provider.pages = [comps("a")]
        await engine.run_cycle("p")
        text = telemetry.render().decode()
        assert "catalog_incremental_removals_rejected_total{" in text
        assert 'reason="degraded"' in text
    finally:
        telemetry.shutdown()
