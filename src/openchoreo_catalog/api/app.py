"""The HTTP application: ``create_app(settings)`` and everything it wires.

Start-up opens the database (from ``backend.database`` unless one is passed in), runs the
migrations, creates the catalog store, then enters each ``lifespans`` hook (background
work such as the ingestion scheduler); shutdown leaves them in reverse and closes the
database it opened.

Add routes with ``create_app(settings, routers=[my_router])`` or ``app.include_router()``:
the auth policy wraps the whole app, so new routes are covered without further work, and
errors anywhere come out in Backstage's shape. The OpenAPI document is at ``/openapi.json``
(the catalog routes' hand-parsed query parameters are declared in ``api/openapi_docs.py``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

from fastapi import APIRouter, FastAPI

from openchoreo_catalog import __version__
from openchoreo_catalog.api import catalog, health
from openchoreo_catalog.api.auth import AuthMiddleware, AuthPolicy
from openchoreo_catalog.api.context import AppContext
from openchoreo_catalog.api.errors import install_error_handlers
from openchoreo_catalog.api.guard import NulGuard
from openchoreo_catalog.catalog import CatalogStore
from openchoreo_catalog.config import Settings
from openchoreo_catalog.db import Database

Lifespan = Callable[[AppContext], AbstractAsyncContextManager[None]]
DEFAULT_ROUTERS: tuple[APIRouter, ...] = (health.router, catalog.router)


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    routers: Sequence[APIRouter] = (),
    lifespans: Sequence[Lifespan] = (),
    migrate: bool = True,
) -> FastAPI:
    """The app for ``settings``; ``routers`` are added after the catalog's own."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = database is None
        db = database or Database.from_settings(settings.backend.database)
        try:
            if migrate:
                await db.migrate()
            context = AppContext(settings=settings, database=db, store=CatalogStore(db))
            app.state.context = context
            async with AsyncExitStack() as stack:
                for hook in lifespans:
                    await stack.enter_async_context(hook(context))
                yield
        finally:
            if owned:
                await db.dispose()

    app = FastAPI(
        title="openchoreo-catalog",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    install_error_handlers(app)
    for router in (*DEFAULT_ROUTERS, *routers):
        app.include_router(router)
    app.add_middleware(AuthMiddleware, policy=AuthPolicy(settings.backend.auth))
    app.add_middleware(NulGuard)  # outermost: no route or check ever sees a NUL
    return app
