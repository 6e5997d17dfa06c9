"""The BFF's side of OpenChoreo: one shared client, a time budget per request, bounded fan-out,
and every upstream failure turned into an HTTP answer a portal page can show.

Why a class: the endpoints need the same four things — a client built from ``openchoreo.*``
(created on first use, closed when the app stops), a deadline for the whole request (a page
must not hang because OpenChoreo does), a cap on parallel requests when one answer needs many
(summary, cell diagram), and one mapping of errors:

* OpenChoreo says the organization, project or component does not exist → **404**;
* a continue token the *caller* passed is invalid → **400**, expired → **410** (restart);
* the request ran out of time → **504**;
* anything else (unreachable, 5xx after retries, 401/403 for our token, malformed answers,
  a listing that stalls) → **502**.

Each message names the upstream endpoint (``GET /api/v1/orgs/acme/traits``), never a query
string, so a token in a query never reaches a response or a log line.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from openchoreo_catalog.api.errors import ApiError
from openchoreo_catalog.config import ConfigError, Settings
from openchoreo_catalog.openchoreo import (
    OpenChoreoClient,
    OpenChoreoError,
    OpenChoreoNotFound,
)
from openchoreo_catalog.pagination import (
    ContinueTokenExpired,
    InvalidContinueToken,
    PaginationError,
    PaginationTimeout,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
ClientFactory = Callable[[Settings], OpenChoreoClient]

DEFAULT_TIMEOUT = 30.0
"""Seconds one BFF request may spend on OpenChoreo, however many pages it walks."""
DEFAULT_CONCURRENCY = 8
"""Upstream requests one BFF request keeps in flight when it fans out."""


class UpstreamError(ApiError):
    """OpenChoreo failed (502) or took too long (504)."""


def default_client(settings: Settings) -> OpenChoreoClient:
    return OpenChoreoClient.from_settings(settings.openchoreo)


class Upstream:
    """Client, deadline, fan-out and error mapping for the BFF (see the module docstring)."""

    def __init__(
        self,
        client_factory: ClientFactory = default_client,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> None:
        if timeout <= 0 or concurrency < 1:
            raise ValueError("timeout must be positive and concurrency at least 1")
        self.client_factory = client_factory
        self.timeout = timeout
        self.concurrency = concurrency
        self._client: OpenChoreoClient | None = None
        self._lock = asyncio.Lock()

    async def client(self, settings: Settings) -> OpenChoreoClient:
        """The shared client, built from ``settings`` on first use."""
        if self._client is None or self._client.is_closed:
            async with self._lock:
                if self._client is None or self._client.is_closed:
                    try:
                        self._client = self.client_factory(settings)
                    except ConfigError as error:
                        raise UpstreamError(
                            502, f"OpenChoreo is not configured: {error}", name="BadGatewayError"
                        ) from None
        return self._client

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    @asynccontextmanager
    async def call(self, what: str) -> AsyncIterator[Budget]:
        """Run a request's upstream work within the deadline, mapping failures to answers."""
        budget = Budget(self.timeout)
        try:
            async with asyncio.timeout(self.timeout):
                yield budget
        except TimeoutError:
            raise UpstreamError(
                504,
                f"OpenChoreo did not answer {what} within {self.timeout:g} s",
                name="GatewayTimeoutError",
            ) from None
        except (OpenChoreoError, PaginationError) as error:
            raise map_error(error) from None

    async def gather(self, fn: Callable[[T], Awaitable[R]], items: Iterable[T]) -> list[R]:
        """``fn`` over ``items`` with at most ``concurrency`` in flight, results in order.

        The first failure cancels the rest: a page needs every answer or none.
        """
        gate = asyncio.Semaphore(self.concurrency)

        async def one(item: T) -> R:
            async with gate:
                return await fn(item)

        async with task_group() as group:
            tasks = [group.create_task(one(item)) for item in items]
        return [task.result() for task in tasks]


@asynccontextmanager
async def task_group() -> AsyncIterator[asyncio.TaskGroup]:
    """A task group whose first failure cancels the others and is raised as itself (not as
    an ``ExceptionGroup``), so the error mapping above sees the real type."""
    try:
        async with asyncio.TaskGroup() as group:
            yield group
    except BaseExceptionGroup as failures:
        raise failures.exceptions[0] from None


class Budget:
    """What is left of a request's time, for walks that take their own ``timeout``."""

    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds

    @property
    def remaining(self) -> float:
        return max(0.001, self._deadline - time.monotonic())


def map_error(error: Exception) -> ApiError:
    """The HTTP answer for an upstream failure (see the module docstring)."""
    if isinstance(error, OpenChoreoNotFound):
        return ApiError(404, f"Not found in OpenChoreo: {error}")
    if isinstance(error, InvalidContinueToken):
        return ApiError(400, f"Invalid continue token: {error}")
    if isinstance(error, ContinueTokenExpired):
        return ApiError(
            410,
            f"The continue token has expired; start again from the first page ({error})",
            name="GoneError",
        )
    if isinstance(error, PaginationTimeout):
        return UpstreamError(504, f"OpenChoreo took too long: {error}", name="GatewayTimeoutError")
    logger.warning("OpenChoreo request failed", extra={"error": str(error)})
    return UpstreamError(502, f"OpenChoreo request failed: {error}", name="BadGatewayError")


async def with_retry_on_expiry(walk: Callable[[], Awaitable[T]]) -> T:
    """Run a whole-list walk; if its own continue token expired midway, walk once more.

    A token expires minutes after the listing began, so a second walk of the same list
    normally finishes; a second expiry is reported (410 would blame the caller: 502).
    """
    try:
        return await walk()
    except ContinueTokenExpired:
        try:
            return await walk()
        except ContinueTokenExpired as error:
            raise UpstreamError(
                502, f"OpenChoreo request failed: {error}", name="BadGatewayError"
            ) from None


def dump(model: Any) -> Any:
    """A response model as the camelCase JSON OpenChoreo sent (unknown fields kept)."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)
