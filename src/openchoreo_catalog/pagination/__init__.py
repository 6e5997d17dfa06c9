"""The pagination core: pages, tokens, walking a list to its end, and typed failures.

Nothing here knows OpenChoreo's endpoints; the client binds a dialect and an endpoint to a
:data:`PageFetcher`, and providers and the HTTP layer walk it with :func:`fetch_all` or
:func:`iterate_pages`.
"""

from openchoreo_catalog.pagination.dialects import (
    CONTINUE,
    CURSOR,
    ContinueDialect,
    CursorDialect,
    PaginationDialect,
)
from openchoreo_catalog.pagination.errors import (
    ContinueTokenExpired,
    InvalidContinueToken,
    MalformedPage,
    PaginationCancelled,
    PaginationError,
    PaginationStalled,
    PaginationTimeout,
)
from openchoreo_catalog.pagination.limits import MIN_PAGE_SIZE, clamp_limit
from openchoreo_catalog.pagination.page import Page, PageFetcher
from openchoreo_catalog.pagination.walk import DEFAULT_TIMEOUT, fetch_all, iterate_pages

__all__ = [
    "CONTINUE",
    "CURSOR",
    "DEFAULT_TIMEOUT",
    "MIN_PAGE_SIZE",
    "ContinueDialect",
    "ContinueTokenExpired",
    "CursorDialect",
    "InvalidContinueToken",
    "MalformedPage",
    "Page",
    "PageFetcher",
    "PaginationCancelled",
    "PaginationDialect",
    "PaginationError",
    "PaginationStalled",
    "PaginationTimeout",
    "clamp_limit",
    "fetch_all",
    "iterate_pages",
]
