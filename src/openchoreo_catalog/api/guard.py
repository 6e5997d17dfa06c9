"""Refuse requests whose path or query string holds a NUL character, before any route runs.

PostgreSQL cannot store or even compare text containing NUL (``invalid byte sequence for
encoding "UTF8": 0x00``), so ``?filter=kind=%00`` or ``/entities/by-uid/%00`` used to reach
the database and come back as a 500. No entity can hold a NUL (the catalog refuses it on
write), so such a request can only be a mistake or an attack: it gets a 400 saying why, on
every backend alike, for every router mounted now or later.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from openchoreo_catalog.api.errors import error_response

MESSAGE = "Invalid request: NUL characters (\\u0000) are not allowed in the path or query"


def has_nul(scope: Scope) -> bool:
    """Whether the decoded path or the query string (raw or percent-encoded) holds a NUL."""
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope.get("path", "") or b"\x00" in query or b"%00" in query


class NulGuard:
    """ASGI middleware answering 400 to a request :func:`has_nul` flags."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and has_nul(scope):
            await error_response(scope, 400, MESSAGE)(scope, receive, send)
            return
        await self.app(scope, receive, send)
