"""Wire formats of paginated lists ("dialects"), so callers never see them.

A dialect knows three things: which query parameters ask for a page, how to read a page out
of a response's ``data``, and which error responses are pagination errors. The client picks
one per API generation; ``fetch_all`` and every caller only ever see :class:`Page` and the
typed errors, so a second generation plugs in without touching them.

* :data:`CONTINUE` — the organization-era API: ``?limit=&continue=`` →
  ``data.metadata.{continue, hasMore, resourceVersion}`` (``openchoreo-api.yaml``).
* :data:`CURSOR` — the namespace-era API: ``?limit=&cursor=`` →
  ``data.pagination.nextCursor`` (``reference/openchoreo-api-namespace-era.yaml``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from openchoreo_catalog.pagination.errors import (
    ContinueTokenExpired,
    InvalidContinueToken,
    MalformedPage,
    PaginationError,
)
from openchoreo_catalog.pagination.limits import clamp_limit
from openchoreo_catalog.pagination.page import Page


class PaginationDialect(Protocol):
    """How one API generation spells pagination (read-only, so frozen dataclasses fit)."""

    @property
    def name(self) -> str: ...

    @property
    def max_limit(self) -> int: ...

    @property
    def default_limit(self) -> int: ...

    def page_params(self, limit: int | None, token: str | None) -> dict[str, str]:
        """Query parameters asking for the page after ``token``."""
        ...

    def parse_page(self, data: Any, *, endpoint: str | None = None) -> Page[Any]:
        """The page in a response's ``data`` (raw items), or :class:`MalformedPage`."""
        ...

    def classify_error(
        self, status: int, body: Any, *, endpoint: str | None = None
    ) -> PaginationError | None:
        """The pagination error an error response stands for, or ``None`` if it is another kind."""
        ...


def _error_code(body: Any) -> str | None:
    if isinstance(body, Mapping):
        code = body.get("code")
        if isinstance(code, str):
            return code
    return None


def _is_kubernetes_expired(body: Any) -> bool:
    """A raw Kubernetes ``Status`` with ``reason: Expired`` (proxies sometimes pass these)."""
    return (
        isinstance(body, Mapping)
        and body.get("kind") == "Status"
        and body.get("reason") in ("Expired", "ResourceExpired")
    )


def _items(data: Mapping[str, Any], endpoint: str | None) -> list[Any]:
    items = data.get("items")
    if items is None:
        items = []
    if not isinstance(items, list):
        raise MalformedPage("'items' is not a list", endpoint=endpoint)
    return items


@dataclass(frozen=True, slots=True)
class ContinueDialect:
    """``limit``/``continue`` with ``metadata.hasMore`` (Kubernetes style, limit 1..512)."""

    name: str = "continue"
    max_limit: int = 512
    default_limit: int = 100

    def page_params(self, limit: int | None, token: str | None) -> dict[str, str]:
        params = {
            "limit": str(clamp_limit(limit, maximum=self.max_limit, default=self.default_limit))
        }
        if token:
            params["continue"] = token
        return params

    def parse_page(self, data: Any, *, endpoint: str | None = None) -> Page[Any]:
        if not isinstance(data, Mapping):
            raise MalformedPage("the response has no list in 'data'", endpoint=endpoint)
        metadata = data.get("metadata")
        if metadata is None:
            metadata = {}
        if not isinstance(metadata, Mapping):
            raise MalformedPage("'metadata' is not an object", endpoint=endpoint)
        token = metadata.get("continue")
        if token is not None and not isinstance(token, str):
            raise MalformedPage("'metadata.continue' is not a string", endpoint=endpoint)
        has_more = metadata.get("hasMore", bool(token))
        if not isinstance(has_more, bool):
            raise MalformedPage("'metadata.hasMore' is not a boolean", endpoint=endpoint)
        version = metadata.get("resourceVersion")
        return Page(
            items=_items(data, endpoint),
            next_token=token or None,
            resource_version=str(version) if version not in (None, "") else None,
            has_more=has_more,
        )

    def classify_error(
        self, status: int, body: Any, *, endpoint: str | None = None
    ) -> PaginationError | None:
        code = _error_code(body)
        if status == 410 or code == "CONTINUE_TOKEN_EXPIRED" or _is_kubernetes_expired(body):
            return ContinueTokenExpired(endpoint=endpoint, code=code, status=status)
        if status == 400 and code == "INVALID_CONTINUE_TOKEN":
            return InvalidContinueToken(endpoint=endpoint, status=status)
        return None


@dataclass(frozen=True, slots=True)
class CursorDialect:
    """``limit``/``cursor`` with ``pagination.nextCursor`` (namespace era, limit 1..100)."""

    name: str = "cursor"
    max_limit: int = 100
    default_limit: int = 20

    def page_params(self, limit: int | None, token: str | None) -> dict[str, str]:
        params = {
            "limit": str(clamp_limit(limit, maximum=self.max_limit, default=self.default_limit))
        }
        if token:
            params["cursor"] = token
        return params

    def parse_page(self, data: Any, *, endpoint: str | None = None) -> Page[Any]:
        if not isinstance(data, Mapping):
            raise MalformedPage("the response has no list in 'data'", endpoint=endpoint)
        pagination = data.get("pagination")
        if pagination is None:
            pagination = {}
        if not isinstance(pagination, Mapping):
            raise MalformedPage("'pagination' is not an object", endpoint=endpoint)
        token = pagination.get("nextCursor")
        if token is not None and not isinstance(token, str):
            raise MalformedPage("'pagination.nextCursor' is not a string", endpoint=endpoint)
        return Page(items=_items(data, endpoint), next_token=token or None, has_more=bool(token))

    def classify_error(
        self, status: int, body: Any, *, endpoint: str | None = None
    ) -> PaginationError | None:
        code = _error_code(body)
        if status == 410 or code in ("CONTINUE_TOKEN_EXPIRED", "CURSOR_EXPIRED"):
            return ContinueTokenExpired(endpoint=endpoint, code=code, status=status)
        if status == 400 and code in (
            "INVALID_CONTINUE_TOKEN",
            "INVALID_CURSOR",
            "INVALID_CURSOR_FORMAT",
        ):
            return InvalidContinueToken(endpoint=endpoint, status=status)
        return None


CONTINUE = ContinueDialect()
CURSOR = CursorDialect()
