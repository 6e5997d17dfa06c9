"""Backstage's health routes: liveness (the process answers) and readiness (the DB does)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.responses import Response

from openchoreo_catalog.api.context import database
from openchoreo_catalog.api.responses import json_response
from openchoreo_catalog.db import Database, DatabaseError

router = APIRouter(prefix="/.backstage/health/v1", tags=["health"])


@router.get("/liveness")
async def liveness() -> Response:
    return json_response({"status": "ok"})


@router.get("/readiness")
async def readiness(db: Database = Depends(database)) -> Response:  # noqa: B008
    try:
        await db.ping()
    except DatabaseError:
        return json_response({"status": "error", "message": "database unreachable"}, 503)
    return json_response({"status": "ok"})
