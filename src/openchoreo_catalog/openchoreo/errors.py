"""Typed failures of the OpenChoreo client.

Callers branch on the type (not found, auth, unavailable, protocol), never on message text.
Every message names the endpoint as ``METHOD /path`` (no query string, so a continue token or
anything else in the query never reaches a log line), the HTTP status and the server's
``code``. Pagination failures (expired or invalid continue tokens, stalls) are raised as the
pagination package's types instead, because walkers handle them the same way for every API.
"""

from __future__ import annotations


class OpenChoreoError(Exception):
    """A request to the OpenChoreo API failed."""

    def __init__(
        self,
        message: str,
        *,
        endpoint: str,
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.status = status
        self.code = code
        self.detail = message
        super().__init__(f"{endpoint}: {_status_text(status, code)}{message}")


def _status_text(status: int | None, code: str | None) -> str:
    parts = []
    if status is not None:
        parts.append(f"HTTP {status}")
    if code:
        parts.append(code)
    return f"{' '.join(parts)}: " if parts else ""


class OpenChoreoNotFound(OpenChoreoError):
    """404: the organization, project, component or other resource does not exist."""


class OpenChoreoAuthError(OpenChoreoError):
    """401 or 403: the token is missing, wrong, expired, or lacks permission."""


class OpenChoreoBadRequest(OpenChoreoError):
    """Another 4xx: the request itself is wrong (a bug on our side, not worth retrying)."""


class OpenChoreoUnavailable(OpenChoreoError):
    """The server could not be reached or kept failing (5xx, 429, network) after retries."""


class OpenChoreoProtocolError(OpenChoreoError):
    """The server answered, but not in the documented shape (bad JSON, types, missing fields)."""
