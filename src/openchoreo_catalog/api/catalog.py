"""Backstage's catalog REST API (the read side), as ``@backstage/catalog-client`` calls it.

Routes are mounted under ``/api/catalog``. Parameters follow Backstage's router exactly:
``filter`` and ``orderField``/``order``/``facet`` repeat; ``fields`` and
``fullTextFilterFields`` also accept comma-separated lists; with ``cursor`` the filter,
order and full-text parameters are ignored (the cursor carries them).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import urlencode

import orjson
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from openchoreo_catalog.api import openapi_docs, params
from openchoreo_catalog.api.context import store
from openchoreo_catalog.api.errors import ApiError, InputError, NotFound
from openchoreo_catalog.api.responses import (
    RawJSONResponse,
    items_json,
    json_response,
    streamed_array,
)
from openchoreo_catalog.catalog import CatalogStore
from openchoreo_catalog.catalog.queries import (
    DEFAULT_LIMIT,
    QueryRequest,
    Selection,
    parse_fields,
    parse_filter_params,
    parse_legacy_order,
    parse_order_fields,
)
from openchoreo_catalog.catalog.refs import stringify_ref

router = APIRouter(prefix="/api/catalog", tags=["catalog"])
MAX_BODY = 10 * 1024 * 1024
Store = Depends(store)


@router.get("/entities/by-query", openapi_extra=openapi_docs.BY_QUERY)
async def entities_by_query(request: Request, catalog: CatalogStore = Store) -> Response:
    fields = parse_fields(params.strings(request, "fields"))
    limit = params.integer(request, "limit")
    total_items = params.one(request, "totalItems") or "include"
    if total_items not in ("include", "exclude"):
        raise InputError("Invalid totalItems, must be include or exclude")
    cursor = params.one(request, "cursor")
    query = QueryRequest(
        limit=DEFAULT_LIMIT if limit is None else limit,
        fields=fields,
        count=total_items == "include",
        cursor=cursor or None,
    )
    if not cursor:
        order = parse_order_fields(params.strings(request, "orderField"))
        text_fields = [
            f.strip()
            for text in params.strings(request, "fullTextFilterFields")
            for f in text.split(",")
            if f.strip()
        ]
        query = QueryRequest(
            selection=Selection(
                parse_filter_params(params.strings(request, "filter")),
                params.one(request, "fullTextFilterTerm"),
                tuple(text_fields),
            ),
            order=order[0] if order else None,
            limit=query.limit,
            offset=params.integer(request, "offset"),
            fields=fields,
            count=query.count,
        )
    result = await catalog.query_entities(query)
    page_info: dict[str, str] = {}
    if result.next_cursor:
        page_info["nextCursor"] = result.next_cursor
    if result.prev_cursor:
        page_info["prevCursor"] = result.prev_cursor
    tail = orjson.dumps({"totalItems": result.total_items, "pageInfo": page_info}).decode()
    body = '{"items":' + items_json(result.items) + "," + tail[1:]
    return RawJSONResponse(body)


@router.get("/entities", openapi_extra=openapi_docs.ENTITIES)
async def entities(request: Request, catalog: CatalogStore = Store) -> Response:
    selection = Selection(parse_filter_params(params.strings(request, "filter")))
    fields = parse_fields(params.strings(request, "fields"))
    order = parse_legacy_order(params.strings(request, "order"))
    limit = params.integer(request, "limit", minimum=1)
    offset = params.integer(request, "offset") or 0
    after = params.one(request, "after")
    if after is not None:
        limit, offset = _decode_after(after, limit, offset)
    listing = catalog.list_entities(
        selection=selection,
        order=order,
        limit=None if limit is None else limit + 1,
        offset=offset,
        fields=fields,
    )
    if limit is None:
        return await streamed_array(listing)
    items = [item async for item in listing]
    headers = {}
    if len(items) > limit:
        items = items[:limit]
        headers["link"] = f'<{_next_url(request, limit, offset + limit)}>; rel="next"'
    return RawJSONResponse(items_json(items), headers=headers)


@router.get("/entities/by-name/{kind}/{namespace}/{name}")
async def entity_by_name(
    kind: str, namespace: str, name: str, catalog: CatalogStore = Store
) -> Response:
    found = await catalog.entity_by_ref(stringify_ref(kind, namespace, name))
    if found is None:
        raise NotFound(
            f"No entity named '{name}' found, with kind '{kind}' in namespace '{namespace}'"
        )
    return RawJSONResponse(found)


@router.get("/entities/by-uid/{uid}")
async def entity_by_uid(uid: str, catalog: CatalogStore = Store) -> Response:
    found = await catalog.entity_by_uid(uid)
    if found is None:
        raise NotFound(f"No entity with uid {uid}")
    return RawJSONResponse(found)


@router.post("/entities/by-refs", openapi_extra=openapi_docs.BY_REFS)
async def entities_by_refs(request: Request, catalog: CatalogStore = Store) -> Response:
    body = await _json_body(request)
    refs = body.get("entityRefs")
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise InputError("Invalid request body: entityRefs must be a list of strings")
    if any("\x00" in ref for ref in refs):  # PostgreSQL cannot even compare such text
        raise InputError("Invalid request body: entityRefs must not contain NUL characters")
    body_fields = body.get("fields")
    if body_fields is not None and (
        not isinstance(body_fields, list) or not all(isinstance(f, str) for f in body_fields)
    ):
        raise InputError("Invalid request body: fields must be a list of strings")
    fields = parse_fields(body_fields if body_fields else params.strings(request, "fields"))
    selection = Selection(parse_filter_params(params.strings(request, "filter")))
    items = await catalog.entities_by_refs(refs, fields=fields, selection=selection)
    return RawJSONResponse('{"items":' + items_json(items) + "}")


@router.get("/entity-facets", openapi_extra=openapi_docs.FACETS)
async def entity_facets(request: Request, catalog: CatalogStore = Store) -> Response:
    selection = Selection(parse_filter_params(params.strings(request, "filter")))
    facets = await catalog.facets(params.strings(request, "facet"), selection=selection)
    return json_response({"facets": facets})


async def _json_body(request: Request) -> dict[str, Any]:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, f"Request body larger than {MAX_BODY} bytes")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, f"Request body larger than {MAX_BODY} bytes")
    if not raw:
        raise InputError("Missing request body")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InputError("Malformed request body, expected JSON") from None
    if not isinstance(body, dict):
        raise InputError("Expected body to be a JSON object")
    return body


def _decode_after(after: str, limit: int | None, offset: int) -> tuple[int | None, int]:
    """Backstage's ``after`` cursor of ``GET /entities``: base64 of ``{limit, offset}``."""
    if not after:
        raise InputError("Invalid after, must not be empty")
    try:
        cursor = orjson.loads(base64.b64decode(after.encode(), validate=True))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise InputError("Malformed after cursor, could not be parsed") from None
    if not isinstance(cursor, dict):
        raise InputError("Malformed after cursor, could not be parsed")
    if "limit" in cursor:
        if not isinstance(cursor["limit"], int) or cursor["limit"] < 1:
            raise InputError("Malformed after cursor, limit was not an number")
        limit = cursor["limit"]
    if "offset" in cursor:
        if not isinstance(cursor["offset"], int) or cursor["offset"] < 0:
            raise InputError("Malformed after cursor, offset was not a number")
        offset = cursor["offset"]
    return limit, offset


def _next_url(request: Request, limit: int, offset: int) -> str:
    """The relative URL of the next page, as Backstage's ``link: <…>; rel="next"``."""
    after = base64.b64encode(orjson.dumps({"limit": limit, "offset": offset})).decode()
    query = [(k, v) for k, v in request.query_params.multi_items() if k not in ("offset", "after")]
    query.append(("after", after))
    return f"{request.url.path}?{urlencode(query)}"
