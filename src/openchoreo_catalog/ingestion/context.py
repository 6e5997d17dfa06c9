"""What every part of the engine shares: the database, the catalog, the clock, the metrics."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog import CatalogStore
from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.clock import Clock, SystemClock
from openchoreo_catalog.ingestion.metrics import EngineMetrics

PageHook = Callable[[AsyncConnection, str, int], Awaitable[None]]
"""Runs inside each page's transaction with (conn, ingestion id, sequence): a test seam for
proving exactly-once application (it writes a row that commits or rolls back with the page)."""


@dataclass
class EngineContext:
    db: Database
    store: CatalogStore
    clock: Clock = field(default_factory=SystemClock)
    metrics: EngineMetrics = field(default_factory=EngineMetrics)
    replica: str = "replica"
    page_hook: PageHook | None = None
