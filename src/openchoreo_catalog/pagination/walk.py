"""Walking a paginated list to its end: ``iterate_pages`` and ``fetch_all``.

The rules (Kubernetes list semantics, see ``reference/k8s-pagination.md``):

* follow ``next_token`` until it is absent or empty; never stop on a short or empty page;
* a page that says ``hasMore`` but gives no token breaks the protocol → :class:`MalformedPage`;
* a token seen before means the server is looping → :class:`PaginationStalled`;
* the whole walk has one deadline → :class:`PaginationTimeout`;
* cancellation stops between or during page fetches → :class:`PaginationCancelled`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TypeVar

from openchoreo_catalog.pagination.errors import (
    MalformedPage,
    PaginationCancelled,
    PaginationStalled,
    PaginationTimeout,
)
from openchoreo_catalog.pagination.page import Page, PageFetcher

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0


async def iterate_pages(
    fetch_page: PageFetcher[T],
    *,
    start_token: str | None = None,
    endpoint: str | None = None,
) -> AsyncGenerator[Page[T], None]:
    """Yield every page from ``start_token`` on, checking the protocol as it goes."""
    seen: set[str] = set()
    token = start_token
    if token:
        seen.add(token)
    while True:
        page = await fetch_page(token)
        if page.has_more and not page.next_token:
            raise MalformedPage(
                "the server said hasMore but sent no continue token", endpoint=endpoint
            )
        yield page
        if page.is_last:
            return
        next_token = page.next_token
        assert next_token is not None
        if next_token == token or next_token in seen:
            raise PaginationStalled(
                "the server returned a continue token it had already given; "
                "the listing is not advancing",
                endpoint=endpoint,
            )
        seen.add(next_token)
        token = next_token


async def fetch_all(
    fetch_page: PageFetcher[T],
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    cancel: asyncio.Event | None = None,
    endpoint: str | None = None,
) -> list[T]:
    """Every item of the list, in order. Raises rather than return a partial list."""
    items: list[T] = []
    deadline = None if timeout is None else time.monotonic() + timeout
    pages = iterate_pages(fetch_page, endpoint=endpoint)
    try:
        while True:
            if cancel is not None and cancel.is_set():
                raise PaginationCancelled("cancelled before the last page", endpoint=endpoint)
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise PaginationTimeout(
                    f"gave up after {timeout:g} s with {len(items)} items read", endpoint=endpoint
                )
            try:
                page = await _next_page(pages, remaining, cancel)
            except StopAsyncIteration:
                return items
            except TimeoutError:
                raise PaginationTimeout(
                    f"gave up after {timeout:g} s with {len(items)} items read", endpoint=endpoint
                ) from None
            if page is None:
                raise PaginationCancelled("cancelled while fetching a page", endpoint=endpoint)
            items.extend(page.items)
    finally:
        await pages.aclose()


async def _next_page(
    pages: AsyncIterator[Page[T]], remaining: float | None, cancel: asyncio.Event | None
) -> Page[T] | None:
    """The next page, or ``None`` if ``cancel`` fired first; ``TimeoutError`` past ``remaining``."""
    async with asyncio.timeout(remaining):
        if cancel is None:
            return await anext(pages)
        fetch = asyncio.ensure_future(anext(pages))
        stop = asyncio.ensure_future(cancel.wait())
        try:
            done, _ = await asyncio.wait({fetch, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (fetch, stop):
                if not task.done():
                    task.cancel()
            await asyncio.gather(fetch, stop, return_exceptions=True)
        if fetch in done:
            return fetch.result()
        return None
