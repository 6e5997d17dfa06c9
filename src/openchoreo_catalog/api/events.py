"""``POST /api/events/http/{topic}``: Backstage's HTTP events ingress path, made durable.

The body is the event's JSON payload. A token is required (the app's auth policy covers every
POST). Answers, in Backstage's error shape for failures:

* 202 ``{"status": "accepted", "topic": …}`` — the event is stored in the inbox and will be
  applied (see :mod:`openchoreo_catalog.events`); "accepted" survives a crash;
* 400 — the body is not JSON or not a payload the topic takes (the message says why);
* 404 — no provider handles the topic;
* 413 — the body is larger than 1 MB;
* 503 with ``Retry-After`` — too many events are waiting; send it again later.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.responses import Response

from openchoreo_catalog.api.errors import ApiError, InputError, NotFound, error_response
from openchoreo_catalog.api.responses import json_response
from openchoreo_catalog.db import DatabaseError
from openchoreo_catalog.events import EventIngress, InboxFull, UnknownTopic

logger = logging.getLogger(__name__)

MAX_BODY = 1_000_000


def events_router(ingress: EventIngress) -> APIRouter:
    router = APIRouter(prefix="/api/events", tags=["events"])

    @router.post("/http/{topic}")
    async def publish(topic: str, request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            raise ApiError(413, f"Request body larger than {MAX_BODY} bytes")
        try:
            await ingress.accept(topic, body)
        except UnknownTopic as error:
            raise NotFound(str(error)) from None
        except InboxFull as error:
            return error_response(
                request.scope, 503, str(error), headers={"Retry-After": str(error.retry_after)}
            )
        except ValueError as error:
            raise InputError(str(error)) from None
        except DatabaseError:
            logger.exception("event not stored", extra={"topic": topic})
            return error_response(
                request.scope,
                503,
                "The event could not be stored; nothing was accepted, send it again",
                headers={"Retry-After": "1"},
            )
        return json_response({"status": "accepted", "topic": topic}, 202)

    return router
