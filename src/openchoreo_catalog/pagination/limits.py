"""Page-size limits: what we may ask a server for."""

from __future__ import annotations

from openchoreo_catalog.config.settings import MAX_PAGE_SIZE

MIN_PAGE_SIZE = 1


def clamp_limit(limit: int | None, *, maximum: int = MAX_PAGE_SIZE, default: int = 100) -> int:
    """A ``limit`` the server accepts: ``None`` → ``default``; then clamped to [1, maximum].

    The real server answers 400 to ``limit=0`` and clamps values above 512 itself; we never
    send either, so the request says what we will actually get.
    """
    value = default if limit is None else int(limit)
    return max(MIN_PAGE_SIZE, min(maximum, value))
