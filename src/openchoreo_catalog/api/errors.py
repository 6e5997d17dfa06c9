"""Errors in Backstage's shape, whatever raised them.

``{"error": {"name", "message"}, "request": {"method", "url"}, "response": {"statusCode"}}``
— the shape ``@backstage/errors`` parses, so Backstage clients show our messages. A bad
parameter is an ``InputError`` (400), never a 500; an unexpected failure is a 500 whose
message says nothing about the internals (the log has the details).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from openchoreo_catalog.catalog import InvalidEntity, InvalidRef
from openchoreo_catalog.catalog.queries import QueryError
from openchoreo_catalog.db import DatabaseError

logger = logging.getLogger(__name__)

ERROR_NAMES = {
    400: "InputError",
    401: "AuthenticationError",
    403: "NotAllowedError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    413: "PayloadTooLargeError",
    415: "UnsupportedMediaTypeError",
    503: "ServiceUnavailableError",
}


class ApiError(Exception):
    """Raise from a handler to answer with ``status`` and ``message`` in Backstage's shape."""

    def __init__(self, status: int, message: str, *, name: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.name = name or ERROR_NAMES.get(status, "Error")


class NotFound(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(404, message)


class InputError(ApiError):
    def __init__(self, message: str) -> None:
        super().__init__(400, message)


def error_body(scope: Scope, status: int, name: str, message: str) -> dict[str, Any]:
    path = scope.get("path", "")
    query = scope.get("query_string", b"").decode("latin-1")
    return {
        "error": {"name": name, "message": message},
        "request": {"method": scope.get("method", ""), "url": f"{path}?{query}" if query else path},
        "response": {"statusCode": status},
    }


def error_response(
    scope: Scope,
    status: int,
    message: str,
    *,
    name: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = error_body(scope, status, name or ERROR_NAMES.get(status, "Error"), message)
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Route every error a request can meet to :func:`error_response`."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, error: ApiError) -> Response:
        return error_response(request.scope, error.status, error.message, name=error.name)

    @app.exception_handler(QueryError)
    @app.exception_handler(InvalidEntity)
    @app.exception_handler(InvalidRef)
    async def _input(request: Request, error: Exception) -> Response:
        return error_response(request.scope, 400, str(error))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in item.get('loc', ()))}: {item.get('msg', 'invalid')}"
            for item in error.errors()
        )
        return error_response(request.scope, 400, f"Invalid request: {problems}"[:1000])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        message = str(error.detail) if error.detail else ERROR_NAMES.get(error.status_code, "Error")
        return error_response(request.scope, error.status_code, message, headers=error.headers)

    @app.exception_handler(DatabaseError)
    async def _database(request: Request, error: DatabaseError) -> Response:
        logger.error("database failure", extra={"error": str(error), "path": request.url.path})
        if error.transient:
            return error_response(request.scope, 503, "The catalog database is busy; try again")
        return error_response(request.scope, 500, "Internal server error")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        logger.exception("unhandled error", extra={"path": request.url.path})
        return error_response(request.scope, 500, "Internal server error")
