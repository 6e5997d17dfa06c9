"""Query parameters of the BFF routes, read the way the seed's router reads them, with 400s.

The seed's Express router answered a missing parameter with ``InputError`` and parsed numbers
with ``parseInt`` (so ``limit=abc`` became ``NaN`` and a 500 further down); here every bad
value is a 400 that says which parameter and why.
"""

from __future__ import annotations

from starlette.requests import Request

from openchoreo_catalog.api import params
from openchoreo_catalog.api.errors import InputError
from openchoreo_catalog.config import MAX_PAGE_SIZE

MAX_NAME = 253
"""The longest Kubernetes object name: no OpenChoreo name is longer."""
DEFAULT_TRAITS_LIMIT = 100
"""The page size the seed's traits picker asks for."""


def required(request: Request, name: str) -> str:
    """A required, single, non-empty parameter of at most :data:`MAX_NAME` characters."""
    value = (params.one(request, name) or "").strip()
    if not value:
        raise InputError(f"{name} is a required query parameter")
    if len(value) > MAX_NAME:
        raise InputError(f"Invalid {name}, longer than {MAX_NAME} characters")
    return value


def organization(request: Request, name: str = "organizationName") -> str:
    """The organization named by ``organizationName``.

    Backstage pages pass what they hold: a plain name (``acme``), ``org/name`` or a full
    entity ref (``domain:default/acme``); the organization is the last segment either way.
    """
    value = required(request, name)
    org = value.rsplit("/", 1)[-1].rsplit(":", 1)[-1].strip()
    if not org:
        raise InputError(f"Invalid {name}, '{value}' names no organization")
    return org


def limit(request: Request, default: int = DEFAULT_TRAITS_LIMIT) -> int:
    """``limit``: an integer of 1 or more (default ``default``); above 512 means 512, as the
    OpenChoreo API itself clamps it."""
    value = params.integer(request, "limit", minimum=1)
    return default if value is None else min(value, MAX_PAGE_SIZE)


def continue_token(request: Request) -> str | None:
    """``continue``, passed through to OpenChoreo untouched (empty means the first page)."""
    value = params.one(request, "continue")
    if value is not None and len(value) > 4096:
        raise InputError("Invalid continue, longer than 4096 characters")
    return value or None
