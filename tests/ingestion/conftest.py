"""Fixtures of the engine's tests: a manual clock and an engine factory over ``database``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion.clock import ManualClock
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.protocol import IncrementalOptions

OPTIONS = IncrementalOptions(
    burst_interval=10.0, burst_length=3.0, rest_length=60.0, backoff=(5.0, 20.0, 100.0)
)

MakeEngine = Callable[..., IngestionEngine]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def make_engine(database: Database, clock: ManualClock) -> MakeEngine:
    def make(
        *providers: Any, options: IncrementalOptions = OPTIONS, **kwargs: Any
    ) -> IngestionEngine:
        engine = IngestionEngine(database, clock=clock, replica="test", **kwargs)
        for provider in providers:
            engine.register(provider, options)
        return engine

    return make
