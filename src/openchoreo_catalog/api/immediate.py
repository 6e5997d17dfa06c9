"""Immediate catalog writes: the scaffolder's "show the new component now" service.

``POST /api/catalog/immediate/entities`` with an entity (or ``{"entity": …}``) writes it to
the catalog at once; ``DELETE /api/catalog/immediate/entities/{kind}/{namespace}/{name}``
removes it. Both need a token (the app's auth policy covers every POST and DELETE).

The write goes through ``apply`` — in the service, the ingestion engine's ``apply_delta``
under the incremental provider's name, so the entity is also recorded in that provider's
sweep bookkeeping: the next cycle keeps it when OpenChoreo has it (it re-emits it) and
sweeps it when OpenChoreo does not. (The seed registered a second provider under the same
name for this, outside the engine's bookkeeping, so its sweeps never knew the entity.)

Answers: 201 with ``{"entityRef", "entity"}`` for a new entity (200 when it replaced one),
400 naming the invalid field, 409 when another provider owns the ref; DELETE answers 200
with ``{"entityRef", "removed": true}``, 404 when the provider holds no such entity.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from openchoreo_catalog.api import openapi_docs
from openchoreo_catalog.api.errors import ApiError, InputError, NotFound
from openchoreo_catalog.api.responses import RawJSONResponse
from openchoreo_catalog.catalog import (
    CatalogStore,
    Delta,
    MutationResult,
    entity_ref,
    stringify_ref,
    validate_entity,
)

Apply = Callable[[Sequence[dict[str, Any]], Sequence[str]], Awaitable[MutationResult]]
"""``apply(added, removed)``: write a delta for the provider, bookkeeping included."""

MAX_BODY = 1_000_000
LOCATION_ANNOTATIONS = (
    "backstage.io/managed-by-location",
    "backstage.io/managed-by-origin-location",
)


class ImmediateWrites:
    """Insert and remove single entities for ``provider`` at once."""

    def __init__(self, store: CatalogStore, provider: str, apply: Apply) -> None:
        self.store = store
        self.provider = provider
        self.apply = apply

    async def insert(self, entity: Any) -> tuple[str, bool, str]:
        """Write ``entity``; return its ref, whether it is new, and the served entity."""
        cleaned = validate_entity(entity)
        annotations = dict(cleaned["metadata"].get("annotations") or {})
        for key in LOCATION_ANNOTATIONS:
            annotations.setdefault(key, f"provider:{self.provider}")
        cleaned["metadata"]["annotations"] = annotations
        ref = entity_ref(cleaned)
        checked = CatalogStore.prepare(Delta(added=[cleaned]))  # everything the store checks
        if checked.rejected:
            raise InputError(checked.rejected[0].reason)
        existed = await self.store.entity_by_ref(ref) is not None
        result = await self.apply([cleaned], [])
        if result.rejected:
            raise ApiError(409, f"Entity {ref} was not written: {result.rejected[0].reason}")
        served = await self.store.entity_by_ref(ref)
        if served is None:
            raise ApiError(409, f"Entity {ref} was removed while it was written")
        return ref, not existed, served

    async def remove(self, kind: str, namespace: str, name: str) -> str:
        """Remove the entity; return its ref."""
        ref = stringify_ref(kind, namespace, name)
        result = await self.apply([], [ref])
        if result.rejected:
            raise ApiError(409, f"Entity {ref} was not removed: {result.rejected[0].reason}")
        if not result.removed:
            raise NotFound(f"No entity {ref} provided by {self.provider}")
        return ref


def immediate_router(writes: ImmediateWrites) -> APIRouter:
    router = APIRouter(prefix="/api/catalog/immediate", tags=["immediate writes"])

    @router.post("/entities", openapi_extra=openapi_docs.ENTITY_BODY)
    async def insert(request: Request) -> Response:
        entity = await _entity_body(request)
        ref, created, served = await writes.insert(entity)
        body = '{"entityRef":' + orjson.dumps(ref).decode() + ',"entity":' + served + "}"
        return RawJSONResponse(body, status_code=201 if created else 200)

    @router.delete("/entities/{kind}/{namespace}/{name}")
    async def remove(kind: str, namespace: str, name: str) -> Response:
        ref = await writes.remove(kind, namespace, name)
        return RawJSONResponse(orjson.dumps({"entityRef": ref, "removed": True}))

    return router


async def _entity_body(request: Request) -> Any:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, f"Request body larger than {MAX_BODY} bytes")
    if not raw.strip():
        raise InputError("Missing request body: expected an entity as a JSON object")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InputError("Malformed request body: not valid JSON") from None
    if isinstance(body, dict) and "kind" not in body and isinstance(body.get("entity"), dict):
        return body["entity"]
    return body
