"""The service the browser tests drive, assembled in-process until ``serve`` exists.

``assemble(settings)`` wires what the service will: the app factory with the management API
(an incremental provider registered with the engine, ticked by the scheduler), the BFF and the
UI. ``RunningService`` serves it with uvicorn on an ephemeral loopback port in a thread of its
own, so the tests talk to it over real HTTP exactly as a browser does. When the ``serve``
command lands, the fixture switches to it and this module goes.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Self

import uvicorn
from fastapi import APIRouter, FastAPI

from openchoreo_catalog.api import AppContext, create_app
from openchoreo_catalog.api.bff import bff_router
from openchoreo_catalog.config import Settings
from openchoreo_catalog.db import Database
from openchoreo_catalog.ingestion import IncrementalOptions, IngestionEngine
from openchoreo_catalog.ingestion.management import bearer_guard, management_router
from openchoreo_catalog.ingestion.scheduler import Scheduler
from openchoreo_catalog.providers.openchoreo import OpenChoreoIncrementalEntityProvider
from openchoreo_catalog.ui import ui_router


def assemble(settings: Settings) -> FastAPI:
    database = Database.from_settings(settings.backend.database)
    engine = IngestionEngine(database)
    provider = OpenChoreoIncrementalEntityProvider(settings.openchoreo)
    engine.register(provider, IncrementalOptions.from_settings(settings.openchoreo.incremental))
    scheduler = Scheduler(engine)

    @asynccontextmanager
    async def ingest(_context: AppContext) -> AsyncIterator[None]:
        scheduler.start()
        try:
            yield
        finally:
            await scheduler.stop()
            await provider.aclose()
            await database.dispose()

    management = APIRouter(prefix="/api/catalog")
    management.include_router(
        management_router(engine, write_guard=bearer_guard(settings.backend.auth.static_tokens()))
    )
    return create_app(
        settings,
        database=database,
        routers=[management, bff_router(), ui_router()],
        lifespans=[ingest],
    )


class RunningService:
    """``assemble(settings)`` served on 127.0.0.1:<free port>; ``with RunningService(s) as svc``."""

    def __init__(self, settings: Settings) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(
            assemble(settings), lifespan="on", log_level="warning", access_log=False
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self, timeout: float = 30.0) -> Self:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the service did not start")
            self._thread.join(0.02)
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
