"""An httpx transport that retries, rate-limits and counts, beneath the client.

Layered like httpx's own transports: the client builds requests and interprets responses;
this layer decides how many times a request goes on the wire. It reads each body fully, so a
connection dropped mid-body is retried like one dropped before the headers, and the client
always gets a complete response. Only idempotent methods are retried (see ``retry.py``).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

from openchoreo_catalog.openchoreo.retry import (
    IDEMPOTENT_METHODS,
    RETRYABLE_STATUSES,
    Backoff,
    RetryableResponse,
    RetryPolicy,
)
from openchoreo_catalog.openchoreo.stats import RequestStats

log = logging.getLogger(__name__)

ENDPOINT = "openchoreo.endpoint"
"""Request extension: the endpoint template the request counts under in the stats."""
ATTEMPTS = "openchoreo.attempts"
"""Request extension set by the transport: how many attempts the request took."""
GAVE_UP = "openchoreo.gave_up"
"""Request extension set by the transport: why it stopped retrying early, if it did."""


class RetryingTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        policy: RetryPolicy,
        stats: RequestStats,
        limiter: Any = None,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._limiter = limiter
        self.stats = stats

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        endpoint = str(request.extensions.get(ENDPOINT) or f"{request.method} {request.url.path}")
        if request.method not in IDEMPOTENT_METHODS or self._policy.attempts == 1:
            request.extensions[ATTEMPTS] = 1
            return await self._attempt(request, endpoint)
        # A plain loop rather than a retry library: this runs for every request, and the
        # first attempt (almost always the only one) should cost nothing extra.
        backoff = Backoff(self._policy)
        number = 0
        try:
            while True:
                number += 1
                request.extensions[ATTEMPTS] = number
                try:
                    response = await self._attempt(request, endpoint)
                    if response.status_code not in RETRYABLE_STATUSES:
                        return response
                    failure: Exception = RetryableResponse(response)
                except Exception as error:
                    failure = error
                delay = backoff(failure) if number < self._policy.attempts else False
                if delay is False or delay is True:
                    if isinstance(failure, RetryableResponse):
                        return failure.response
                    raise failure
                self.stats.retries += 1
                log.info(
                    "retrying %s in %.2f s (attempt %d of %d): %s",
                    endpoint,
                    delay,
                    number + 1,
                    self._policy.attempts,
                    _why(failure),
                )
                await asyncio.sleep(delay)
        finally:
            if backoff.gave_up_reason:
                request.extensions[GAVE_UP] = backoff.gave_up_reason

    async def _attempt(self, request: httpx.Request, endpoint: str) -> httpx.Response:
        if self._limiter is not None:
            await self._limiter.acquire()
        stats = self.stats
        stats.requests[endpoint] += 1
        try:
            response = await self._inner.handle_async_request(request)
            body = await _read_raw(response)
        except httpx.TransportError:
            stats.transport_errors += 1
            raise
        status = response.status_code
        stats.statuses[status] += 1
        stats.bytes_received += len(body)
        if status == 429:
            stats.throttled += 1
        elif status >= 500:
            stats.server_errors += 1
        return httpx.Response(
            status,
            headers=response.headers,
            content=body,
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def _why(failure: Exception) -> str:
    """What failed, for the retry log line: a status or an error type (never a URL)."""
    if isinstance(failure, RetryableResponse):
        return f"HTTP {failure.response.status_code}"
    return type(failure).__name__


async def _read_raw(response: httpx.Response) -> bytes:
    """The body as it came off the wire (still compressed, if it was)."""
    if isinstance(response.stream, httpx.ByteStream):  # whole already (keep-alive transport)
        return b"".join(response.stream)
    try:
        return response.content  # already in memory (in-process and mock transports)
    except httpx.ResponseNotRead:
        pass
    try:
        return b"".join([chunk async for chunk in response.aiter_raw()])
    finally:
        await response.aclose()
