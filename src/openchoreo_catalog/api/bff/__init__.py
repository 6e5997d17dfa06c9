"""The OpenChoreo backend endpoints ("BFF") that portal pages call, under ``/api/openchoreo``.

``bff_router()`` returns the router; add it to the app like any other. The seed's services read
only the first page of most lists; every route here walks every page it needs with the
pagination core (``/traits`` alone serves one page, passing ``limit``/``continue`` through),
within one time budget per request, and answers an OpenChoreo failure with a 502 naming the
upstream endpoint (see :mod:`.upstream` for every status).

Routes (query parameters; ``organizationName`` may be ``acme``, ``org/acme`` or a full entity
ref such as ``domain:default/acme`` — the last segment is the organization):

* ``GET /traits?organizationName&limit&continue`` → ``{items, metadata: {continue?, hasMore}}``
* ``GET /trait-schema?organizationName&traitName`` → ``{success, data: <JSON Schema>}``
* ``GET /organizations`` → ``{items}``
* ``GET /component-traits?organizationName&projectName&componentName`` → ``[trait]``
* ``GET /environments?organizationName&projectName&componentName`` → ``[environment]``
* ``GET /dashboard?organizationName&projectName&componentName`` →
  ``{totalBindings, byStatus, byEnvironment}``
* ``GET /builds?organizationName&projectName&componentName`` → ``[workflow run]``, newest first
* ``GET /cell-diagram?organizationName&projectName`` → ``Project`` of ``@wso2/cell-diagram``
* ``GET /platform/environments[?organizationName]``, ``GET /platform/dataplanes[?…]``,
  ``GET /platform/summary?organizationName`` → ``{success, data}``
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter

from openchoreo_catalog.api.bff.component_routes import add_component_routes
from openchoreo_catalog.api.bff.platform_routes import add_platform_routes
from openchoreo_catalog.api.bff.upstream import (
    DEFAULT_CONCURRENCY,
    DEFAULT_TIMEOUT,
    ClientFactory,
    Upstream,
    default_client,
)

PREFIX = "/api/openchoreo"


def bff_router(
    client_factory: ClientFactory = default_client,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> APIRouter:
    """The ``/api/openchoreo`` routes. The OpenChoreo client is built from the app's settings
    (``openchoreo.*``, page size ``incremental.chunkSize``) on first use and closed with the
    app; ``client_factory`` replaces that (tests)."""
    upstream = Upstream(client_factory, timeout=timeout, concurrency=concurrency)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await upstream.aclose()

    router = APIRouter(prefix=PREFIX, tags=["openchoreo"], lifespan=lifespan)
    add_component_routes(router, upstream)
    add_platform_routes(router, upstream)
    return router


__all__ = ["DEFAULT_CONCURRENCY", "DEFAULT_TIMEOUT", "PREFIX", "Upstream", "bff_router"]
