"""Reading query parameters the way Backstage's router does, with 400s for bad values.

FastAPI's own parameter parsing would turn ``limit=abc`` into a 422 and cannot express
"repeatable, or comma-separated" well; these helpers keep the contract exact.
"""

from __future__ import annotations

from starlette.requests import Request

from openchoreo_catalog.api.errors import InputError

MAX_PARAM = 100_000


def strings(request: Request, name: str) -> list[str]:
    """Every value of a repeatable parameter."""
    values = request.query_params.getlist(name)
    if sum(len(v) for v in values) > MAX_PARAM:
        raise InputError(f"Invalid {name}, too long")
    return values


def one(request: Request, name: str) -> str | None:
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise InputError(f"Invalid {name}, expected a single value")
    if values and len(values[0]) > MAX_PARAM:
        raise InputError(f"Invalid {name}, too long")
    return values[0] if values else None


def integer(request: Request, name: str, *, minimum: int = 0) -> int | None:
    """An integer parameter written as digits (``limit=10``), at least ``minimum``."""
    text = one(request, name)
    if text is None:
        return None
    text = text.strip()
    if not text.lstrip("-").isdigit() or len(text) > 12:
        raise InputError(f"Invalid {name}, not an integer")
    value = int(text)
    if value < minimum:
        raise InputError(f"Invalid {name}, must be {minimum} or greater")
    return value
