"""Reading responses: the JSON envelope, error mapping and model validation.

Parsing uses ``orjson`` (the providers read 150k+ items per cycle) and validates a whole page
with one pydantic ``TypeAdapter`` call. Every failure becomes a typed error naming the
endpoint, the HTTP status and the server's ``code``; a validation failure also says which
item and which field, so a broken server is easy to pin down from one log line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn, TypeVar

import httpx
import orjson
from pydantic import TypeAdapter, ValidationError

from openchoreo_catalog.openchoreo.errors import (
    OpenChoreoAuthError,
    OpenChoreoBadRequest,
    OpenChoreoError,
    OpenChoreoNotFound,
    OpenChoreoProtocolError,
    OpenChoreoUnavailable,
)
from openchoreo_catalog.openchoreo.retry import RETRYABLE_STATUSES
from openchoreo_catalog.openchoreo.transport import ATTEMPTS, GAVE_UP
from openchoreo_catalog.pagination import PaginationDialect

T = TypeVar("T")

_SNIPPET = 200


def parse_json(response: httpx.Response, endpoint: str) -> Any:
    """The decoded body, or :class:`OpenChoreoProtocolError` if it is not JSON."""
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError as error:
        if response.status_code >= 400:
            return None  # an error page from a proxy, say: the status still tells the story
        raise OpenChoreoProtocolError(
            f"the response is not valid JSON ({error}); {len(response.content)} bytes",
            endpoint=endpoint,
            status=response.status_code,
        ) from None


def success_data(response: httpx.Response, body: Any, endpoint: str) -> Any:
    """``data`` of a ``{"success": true, "data": …}`` envelope."""
    if not isinstance(body, Mapping):
        raise OpenChoreoProtocolError(
            f"expected a JSON object, got {type(body).__name__}",
            endpoint=endpoint,
            status=response.status_code,
        )
    if body.get("success") is False:
        raise OpenChoreoProtocolError(
            f"status {response.status_code} but success is false: {_message(body)}",
            endpoint=endpoint,
            status=response.status_code,
            code=_code(body),
        )
    if "data" not in body:
        raise OpenChoreoProtocolError(
            "the response has no 'data'", endpoint=endpoint, status=response.status_code
        )
    return body["data"]


def raise_for_status(
    response: httpx.Response,
    body: Any,
    endpoint: str,
    *,
    dialect: PaginationDialect | None = None,
) -> None:
    """Raise the typed error an unsuccessful response stands for; return if it succeeded."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if dialect is not None:
        paging_error = dialect.classify_error(status, body, endpoint=endpoint)
        if paging_error is not None:
            raise paging_error
    code = _code(body)
    message = _message(body) if body is not None else _text_snippet(response)
    if status == 404:
        raise OpenChoreoNotFound(message, endpoint=endpoint, status=status, code=code)
    if status in (401, 403):
        raise OpenChoreoAuthError(
            f"{message} (check openchoreo.token)", endpoint=endpoint, status=status, code=code
        )
    if status in RETRYABLE_STATUSES:
        attempts = response.request.extensions.get(ATTEMPTS, 1)
        why = response.request.extensions.get(GAVE_UP)
        tail = f"; gave up: {why}" if why else ""
        raise OpenChoreoUnavailable(
            f"{message} (after {attempts} attempt{'s' if attempts != 1 else ''}{tail})",
            endpoint=endpoint,
            status=status,
            code=code,
        )
    if 400 <= status < 500:
        raise OpenChoreoBadRequest(message, endpoint=endpoint, status=status, code=code)
    raise OpenChoreoError(message, endpoint=endpoint, status=status, code=code)


def validate(adapter: TypeAdapter[T], data: Any, endpoint: str, *, what: str = "data") -> T:
    """``data`` validated by ``adapter``, or a protocol error naming the bad field."""
    try:
        return adapter.validate_python(data)
    except ValidationError as error:
        raise_validation_error(error, data, endpoint, what=what)


def raise_validation_error(
    error: ValidationError, data: Any, endpoint: str, *, what: str
) -> NoReturn:
    first = error.errors(include_url=False)[0]
    location = _location(first["loc"], data, what)
    problem = first["msg"]
    if first["type"] != "missing":
        problem = f"{problem}, got {_short(first.get('input'))}"
    more = error.error_count() - 1
    extra = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
    raise OpenChoreoProtocolError(
        f"unexpected response shape at {location}: {problem}{extra}",
        endpoint=endpoint,
        status=200,
    ) from None


def _location(loc: tuple[int | str, ...], data: Any, what: str) -> str:
    parts = [what]
    for step in loc:
        parts.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    text = "".join(parts)
    if loc and isinstance(loc[0], int) and isinstance(data, list) and loc[0] < len(data):
        item = data[loc[0]]
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, str):
            text += f" (item {_short(name)})"
    return text


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _code(body: Any) -> str | None:
    if isinstance(body, Mapping):
        code = body.get("code")
        if isinstance(code, str) and code:
            return code
    return None


def _message(body: Any) -> str:
    if isinstance(body, Mapping):
        text = body.get("error") or body.get("message")
        if isinstance(text, str) and text:
            return text[:_SNIPPET]
    return "the server gave no error message"


def _text_snippet(response: httpx.Response) -> str:
    text = response.content[:_SNIPPET].decode("utf-8", "replace").strip()
    return text or (response.reason_phrase or "no body")


__all__ = [
    "OpenChoreoError",
    "parse_json",
    "raise_for_status",
    "success_data",
    "validate",
]
