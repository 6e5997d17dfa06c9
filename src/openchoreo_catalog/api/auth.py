"""The default auth policy, applied to every route of the app by one ASGI middleware.

* ``POST``/``PUT``/``PATCH``/``DELETE`` need ``Authorization: Bearer <token>`` matching one
  of ``backend.auth.externalAccess`` static tokens: no credentials → 401, an unknown token
  → 403. ``backend.auth.dangerouslyDisableDefaultAuthPolicy: true`` lifts the requirement.
* Reads are open, unless ``backend.auth.protectReads: true``.
* The health routes are always open (probes carry no token), and so is the web UI's shell
  (``/`` and ``/ui/…``: static files holding no data; the pages send the user's token with
  the API calls they make).

Because it wraps the whole app, a router added later is covered without doing anything.
Tokens are compared in constant time against every configured token. The caller's
subject (``options.subject`` of the matching token) is in ``request.state.subject``;
handlers read it with :func:`subject`.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from openchoreo_catalog.api.errors import error_response
from openchoreo_catalog.config import AuthSettings

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
OPEN_PREFIXES = ("/.backstage/health/", "/ui/")
OPEN_PATHS = frozenset({"/"})


@dataclass(frozen=True)
class Subject:
    """Who made the request: the subject of their token, or anonymous."""

    name: str
    authenticated: bool


ANONYMOUS = Subject("anonymous", authenticated=False)


class AuthPolicy:
    """Decides per request; see the module docstring."""

    def __init__(self, settings: AuthSettings) -> None:
        self._tokens: list[tuple[bytes, str]] = [
            (token.encode(), subject) for token, subject in settings.static_tokens().items()
        ]
        self.disabled = settings.dangerously_disable_default_auth_policy
        self.protect_reads = settings.protect_reads

    def match(self, token: str) -> str | None:
        """The subject of ``token``, comparing against every token in constant time."""
        presented = token.encode()
        found: str | None = None
        for known, subject in self._tokens:
            if hmac.compare_digest(presented, known) and found is None:
                found = subject
        return found

    def requires_token(self, method: str, path: str) -> bool:
        if path.startswith(OPEN_PREFIXES) or path in OPEN_PATHS or method == "OPTIONS":
            return False
        if self.disabled:
            return False
        return method in MUTATING or self.protect_reads


class AuthMiddleware:
    """ASGI middleware enforcing :class:`AuthPolicy` (see the module docstring)."""

    def __init__(self, app: ASGIApp, policy: AuthPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        path = scope["path"]
        header = _authorization(scope["headers"])
        subject = ANONYMOUS
        if header is not None:
            scheme, _, token = header.partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                if self.policy.requires_token(method, path):
                    await self._reject(scope, receive, send, 401, "Invalid authorization header")
                    return
            else:
                name = self.policy.match(token)
                if name is None:
                    if not path.startswith(OPEN_PREFIXES):
                        await self._reject(scope, receive, send, 403, "Invalid token")
                        return
                else:
                    subject = Subject(name, authenticated=True)
        if not subject.authenticated and self.policy.requires_token(method, path):
            await self._reject(scope, receive, send, 401, "Missing credentials")
            return
        scope.setdefault("state", {})["subject"] = subject
        await self.app(scope, receive, send)

    async def _reject(
        self, scope: Scope, receive: Receive, send: Send, status: int, message: str
    ) -> None:
        headers = (
            {"WWW-Authenticate": 'Bearer realm="openchoreo-catalog"'} if status == 401 else None
        )
        await error_response(scope, status, message, headers=headers)(scope, receive, send)


def _authorization(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    for key, value in headers:
        if key.lower() == b"authorization":
            return value.decode("latin-1")
    return None


def subject(request: Request) -> Subject:
    """The caller (a FastAPI dependency)."""
    found = getattr(request.state, "subject", None)
    return found if isinstance(found, Subject) else ANONYMOUS
