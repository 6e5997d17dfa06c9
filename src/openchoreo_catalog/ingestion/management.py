"""The management API under ``/api/catalog``: Backstage's ``/incremental`` routes, fixed.

Every response uses one envelope — ``{"success": true, "data": …}`` or
``{"success": false, "error": "…"}`` — where Backstage mixed shapes. Unknown providers get
404 on every per-provider route, DELETE included (Backstage created them). "Known" means
registered with the engine. The seed's README promised ``/status``, ``/reset`` and
``/refresh``; they exist as aliases of the provider detail, DELETE (purge and start fresh)
and ``/trigger``.

Mount through the app factory, which wraps every route in the service's auth policy
(reads open, mutations need a token)::

    create_app(settings, database=db, routers=[management_router(engine)], ...)
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from openchoreo_catalog.ingestion.errors import UnknownProvider
from openchoreo_catalog.ingestion.manager import IngestionEngine
from openchoreo_catalog.ingestion.progress import iso
from openchoreo_catalog.ingestion.records import Mark


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse({"success": True, "data": data}, status_code=status)


def fail(message: str, status: int) -> JSONResponse:
    return JSONResponse({"success": False, "error": message}, status_code=status)


def _envelope(
    fn: Callable[..., Awaitable[JSONResponse]],
) -> Callable[..., Awaitable[JSONResponse]]:
    """Unknown providers become a 404 envelope right here, whatever app mounts the router."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> JSONResponse:
        try:
            return await fn(*args, **kwargs)
        except UnknownProvider as error:
            return fail(str(error), 404)

    return wrapper


def _mark_json(mark: Mark) -> dict[str, Any]:
    return {
        "id": mark.id,
        "ingestionId": mark.ingestion_id,
        "cursor": mark.cursor,
        "sequence": mark.sequence,
        "done": mark.done,
        "entityCount": mark.entity_count,
        "createdAt": iso(mark.created_at),
    }


def management_router(engine: IngestionEngine, *, prefix: str = "/api/catalog") -> APIRouter:
    """The ``/incremental`` routes under ``prefix``."""
    router = APIRouter(prefix=f"{prefix}/incremental", tags=["incremental ingestion"])

    def known(name: str) -> None:
        engine.engine(name)  # raises UnknownProvider

    async def health() -> JSONResponse:
        duplicates = await engine.health()
        if duplicates:
            return ok({"healthy": False, "duplicateIngestions": duplicates})
        return ok({"healthy": True})

    for method in ("GET", "HEAD"):  # one route each: distinct ids in /openapi.json
        router.add_api_route("/health", health, methods=[method])

    @router.post("/cleanup")
    async def cleanup() -> JSONResponse:
        purged = await engine.cleanup()
        return ok(
            {
                "ingestionsDeleted": purged.ingestions_deleted,
                "ingestionMarksDeleted": purged.marks_deleted,
            }
        )

    @router.get("/providers")
    async def providers() -> JSONResponse:
        return ok({"providers": engine.names})

    @_envelope
    async def detail(provider: str) -> JSONResponse:
        known(provider)
        return ok(await engine.detail(provider))

    router.add_api_route("/providers/{provider}", detail, methods=["GET"])
    router.add_api_route("/providers/{provider}/status", detail, methods=["GET"])

    @_envelope
    async def trigger(provider: str) -> JSONResponse:
        known(provider)
        if await engine.trigger(provider):
            return ok({"message": f"{provider}: Next action triggered."})
        return ok({"message": f"{provider}: woken up; its first cycle starts now."})

    for path in ("/providers/{provider}/trigger", "/providers/{provider}/refresh"):
        router.add_api_route(path, trigger, methods=["POST"])

    @router.post("/providers/{provider}/start")
    @_envelope
    async def start(provider: str) -> JSONResponse:
        known(provider)
        outcome = await engine.start(provider)
        return ok({"message": f"{provider}: Next cycle triggered.", "outcome": outcome})

    @router.post("/providers/{provider}/cancel")
    @_envelope
    async def cancel(provider: str) -> JSONResponse:
        known(provider)
        outcome = await engine.cancel(provider)
        messages = {
            "canceling": "Current ingestion canceled; the next starts after the rest period.",
            "already canceling": "The current ingestion is already being canceled.",
            "resting": "No ingestion is running; the provider is resting.",
            "no cycle": "No ingestion has started yet.",
        }
        return ok({"message": f"{provider}: {messages[outcome]}", "outcome": outcome})

    @_envelope
    async def purge(provider: str) -> JSONResponse:
        known(provider)
        purged = await engine.reset(provider)
        return ok(
            {
                "provider": provider,
                "ingestionsDeleted": purged.ingestions_deleted,
                "marksDeleted": purged.marks_deleted,
            }
        )

    router.add_api_route("/providers/{provider}", purge, methods=["DELETE"])
    router.add_api_route("/providers/{provider}/reset", purge, methods=["POST"])

    @router.get("/providers/{provider}/marks")
    @_envelope
    async def marks(provider: str) -> JSONResponse:
        known(provider)
        ingestion_id, found = await engine.marks(provider)
        return ok({"ingestionId": ingestion_id, "marks": [_mark_json(m) for m in found]})

    @router.delete("/providers/{provider}/marks")
    @_envelope
    async def clear_marks(provider: str) -> JSONResponse:
        known(provider)
        deleted = await engine.clear_marks(provider)
        return ok(
            {
                "message": f"Expired marks for provider '{provider}' removed.",
                "marksDeleted": deleted,
            }
        )

    return router
