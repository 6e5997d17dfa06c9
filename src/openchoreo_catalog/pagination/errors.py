"""Typed pagination failures.

Callers decide what to do by type, never by reading message text: an expired token means
"re-list this level", an invalid token means a bug or tampering, a stall means a broken
server. Every error names the endpoint it came from so logs point at the right list.
"""

from __future__ import annotations


class PaginationError(Exception):
    """A list could not be walked to its end."""

    def __init__(self, message: str, *, endpoint: str | None = None) -> None:
        self.endpoint = endpoint
        super().__init__(f"{endpoint}: {message}" if endpoint else message)


class ContinueTokenExpired(PaginationError):
    """HTTP 410: the snapshot behind the token is gone; the listing must restart."""

    def __init__(
        self,
        *,
        endpoint: str | None = None,
        code: str | None = "CONTINUE_TOKEN_EXPIRED",
        status: int = 410,
    ) -> None:
        self.code = code
        self.status = status
        super().__init__(
            f"continue token expired (HTTP {status}, {code or 'no code'}); restart the listing",
            endpoint=endpoint,
        )


class InvalidContinueToken(PaginationError):
    """HTTP 400 ``INVALID_CONTINUE_TOKEN``: the server could not read the token we sent."""

    def __init__(self, *, endpoint: str | None = None, status: int = 400) -> None:
        self.code = "INVALID_CONTINUE_TOKEN"
        self.status = status
        super().__init__(
            f"the server rejected the continue token (HTTP {status})", endpoint=endpoint
        )


class PaginationStalled(PaginationError):
    """The server handed back a token it gave before: following it would loop forever."""


class PaginationTimeout(PaginationError):
    """The whole walk took longer than its time limit."""


class PaginationCancelled(PaginationError):
    """The walk was cancelled by its caller before the last page.

    Raised rather than returning a partial list, because a caller that mistook a partial
    list for the whole would remove everything it did not see.
    """


class MalformedPage(PaginationError):
    """A page's shape breaks the protocol (``hasMore`` true without a token, say)."""
