"""The HTTP core of the client: one connection pool, auth, and the two request shapes.

Every endpoint is either a single GET (``_get_one``) or one page of a list (``_get_page``,
walked to its end by ``_walk`` through ``pagination.fetch_all``). Endpoint methods in
``client.py`` only name the path template and the model.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import quote, urlencode, urlsplit

import httpx
from pydantic import TypeAdapter

from openchoreo_catalog import __version__
from openchoreo_catalog.config import ConfigError, OpenChoreoSettings
from openchoreo_catalog.openchoreo.decode import (
    parse_json,
    raise_for_status,
    success_data,
    validate,
)
from openchoreo_catalog.openchoreo.errors import OpenChoreoProtocolError, OpenChoreoUnavailable
from openchoreo_catalog.openchoreo.keepalive import KeepAliveTransport
from openchoreo_catalog.openchoreo.ratelimit import WindowRateLimiter
from openchoreo_catalog.openchoreo.retry import RetryPolicy
from openchoreo_catalog.openchoreo.stats import RequestStats
from openchoreo_catalog.openchoreo.transport import ATTEMPTS, ENDPOINT, RetryingTransport
from openchoreo_catalog.pagination import (
    CONTINUE,
    DEFAULT_TIMEOUT,
    MIN_PAGE_SIZE,
    Page,
    PaginationDialect,
    fetch_all,
)

M = TypeVar("M")

DEFAULT_REQUEST_TIMEOUT = 30.0

_adapters: dict[Any, TypeAdapter[Any]] = {}


def _list_adapter(model: type[M]) -> TypeAdapter[list[M]]:
    adapter = _adapters.get(model)
    if adapter is None:
        adapter = _adapters[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return adapter


def _adapter(model: type[M]) -> TypeAdapter[M]:
    key = ("one", model)
    adapter = _adapters.get(key)
    if adapter is None:
        adapter = _adapters[key] = TypeAdapter(model)
    return adapter


class BaseOpenChoreoClient:
    """Connection pool, auth, retries, rate limit and response decoding."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
        max_retries: int = 3,
        retry_time_limit: float = 30.0,
        max_requests_per_second: float | None = None,
        max_connections: int = 10,
        transport: httpx.AsyncBaseTransport | None = None,
        dialect: PaginationDialect = CONTINUE,
        page_size: int | None = None,
        backoff_initial: float = 0.1,
        backoff_max: float = 5.0,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("base_url must be an http(s) URL such as http://host:8080/api/v1")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.base_url = base_url.rstrip("/")
        self._base_path = parts.path.rstrip("/")
        self.dialect = dialect
        self.page_size = min(dialect.max_limit, max(MIN_PAGE_SIZE, page_size or dialect.max_limit))
        self.stats = RequestStats()
        self.retry_policy = RetryPolicy(
            attempts=max_retries + 1,
            time_limit=retry_time_limit,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            jitter=min(backoff_initial, 0.5),
        )
        # A lean keep-alive pool (``keepalive.py``): httpcore's costs more CPU per request
        # than the API's answer does, and more with every connection added.
        inner = transport or KeepAliveTransport(max_connections=max_connections)
        limiter = (
            WindowRateLimiter(max_requests_per_second)
            if max_requests_per_second is not None
            else None
        )
        headers = {"Accept": "application/json", "User-Agent": f"openchoreo-catalog/{__version__}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._transport = RetryingTransport(
            inner, policy=self.retry_policy, stats=self.stats, limiter=limiter
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout, pool=None),
            transport=self._transport,
            follow_redirects=False,
        )
        # The hot path builds requests itself (see ``_get``): the same headers, once.
        self._headers = httpx.Headers(self._http.headers)
        self._timeout = httpx.Timeout(timeout, pool=None).as_dict()

    @classmethod
    def from_settings(cls, settings: OpenChoreoSettings, **overrides: Any) -> Self:
        """A client configured from ``openchoreo.*`` settings; keyword arguments override."""
        if not settings.base_url:
            raise ConfigError(["openchoreo.baseUrl: is required to reach the OpenChoreo API"])
        incremental = settings.incremental
        options: dict[str, Any] = {
            "token": settings.token.get_secret_value() if settings.token else None,
            "max_requests_per_second": incremental.max_requests_per_second,
            "max_connections": max(incremental.max_concurrent_requests, 2),
            "page_size": incremental.page_size,
        }
        options.update(overrides)
        return cls(settings.base_url, **options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    @property
    def is_closed(self) -> bool:
        return self._http.is_closed

    # -- the two request shapes ------------------------------------------------------------

    async def _get_one(
        self,
        template: str,
        model: type[M],
        path_params: Mapping[str, str],
        query: Mapping[str, str] | None = None,
    ) -> M:
        data = await self._get(template, path_params, query, paged=False)
        endpoint = self._endpoint(template, path_params)
        return validate(_adapter(model), data, endpoint)

    async def _get_page(
        self,
        template: str,
        model: type[M],
        path_params: Mapping[str, str],
        limit: int | None,
        continue_token: str | None,
    ) -> Page[M]:
        endpoint = self._endpoint(template, path_params)
        query = self.dialect.page_params(self.page_size if limit is None else limit, continue_token)
        data = await self._get(template, path_params, query, paged=True)
        page = self.dialect.parse_page(data, endpoint=endpoint)
        items = validate(_list_adapter(model), page.items, endpoint, what="data.items")
        return Page(
            items=items,
            next_token=page.next_token,
            resource_version=page.resource_version,
            has_more=page.has_more,
        )

    # -- raw access: for callers that validate item by item ---------------------------------

    async def get_raw(
        self,
        template: str,
        path_params: Mapping[str, str],
        query: Mapping[str, str] | None = None,
    ) -> Any:
        """``data`` of a single GET, as decoded JSON (envelope and status checked, no model).

        For callers that must tolerate one bad field without losing the whole response (the
        providers skip a bad item and carry on); ``template`` is a path such as
        ``/orgs/{orgName}`` and counts in :attr:`stats` like the typed methods.
        """
        return await self._get(template, path_params, query, paged=False)

    async def page_raw(
        self,
        template: str,
        path_params: Mapping[str, str],
        *,
        limit: int | None = None,
        continue_token: str | None = None,
    ) -> Page[Any]:
        """One list page with its items as decoded JSON, not validated against a model.

        The page itself is checked (envelope, ``metadata``, ``items`` is a list, pagination
        errors are typed) but one malformed item does not fail it: the caller validates item
        by item, so it can skip a bad item with a warning and keep the rest of the page.
        """
        endpoint = self._endpoint(template, path_params)
        query = self.dialect.page_params(self.page_size if limit is None else limit, continue_token)
        data = await self._get(template, path_params, query, paged=True)
        return self.dialect.parse_page(data, endpoint=endpoint)

    async def _walk(
        self,
        template: str,
        model: type[M],
        path_params: Mapping[str, str],
        limit: int | None,
        timeout: float | None,
        cancel: asyncio.Event | None,
    ) -> list[M]:
        async def fetch(token: str | None) -> Page[M]:
            return await self._get_page(template, model, path_params, limit, token)

        endpoint = self._endpoint(template, path_params)
        return await fetch_all(fetch, timeout=timeout, cancel=cancel, endpoint=endpoint)

    async def _get(
        self,
        template: str,
        path_params: Mapping[str, str],
        query: Mapping[str, str] | None,
        *,
        paged: bool,
    ) -> Any:
        path = template.format_map({k: quote(v, safe="") for k, v in path_params.items()})
        url = self.base_url + path
        if query:
            url += "?" + urlencode(query, quote_via=quote)
        # Straight to the transport: httpx's client layer (URL merging, auth, redirects,
        # cookies) costs more than the request itself at thousands of requests a second and
        # brings nothing here (no redirects followed, auth is a fixed header).
        request = httpx.Request(
            "GET",
            url,
            headers=self._headers,
            extensions={ENDPOINT: f"GET {template}", "timeout": self._timeout},
        )
        endpoint = self._endpoint(template, path_params)
        try:
            response = await self._transport.handle_async_request(request)
        except httpx.TransportError as error:
            attempts = request.extensions.get(ATTEMPTS, 1)
            raise OpenChoreoUnavailable(
                f"no response after {attempts} attempt{'s' if attempts != 1 else ''}: "
                f"{type(error).__name__}: {error or 'connection failed'}",
                endpoint=endpoint,
            ) from None
        except httpx.HTTPError as error:  # e.g. a body that fails its Content-Encoding
            raise OpenChoreoProtocolError(
                f"unreadable response: {type(error).__name__}: {error}", endpoint=endpoint
            ) from None
        body = parse_json(response, endpoint)
        raise_for_status(response, body, endpoint, dialect=self.dialect if paged else None)
        return success_data(response, body, endpoint)

    def _endpoint(self, template: str, path_params: Mapping[str, str]) -> str:
        """``GET /api/v1/orgs/acme/projects``: method and path, never the query string."""
        return f"GET {self._base_path}{template.format_map(dict(path_params))}"


DEFAULT_WALK_TIMEOUT = DEFAULT_TIMEOUT
