"""When and how long to wait before trying a request again.

Only idempotent requests are retried, and only for failures that a later attempt can cure:
connection failures, timeouts, dropped connections, HTTP 500/502/503/504 and 429. Waits grow
exponentially with random jitter (so many clients do not retry in lock step); a ``Retry-After``
header (seconds or an HTTP date) replaces the computed wait. Retrying is bounded twice: by the
number of attempts and by a total time budget that includes the waits, so a caller's deadline
is never blown by a long ``Retry-After``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_RETRYABLE_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.ReadTimeout,
    httpx.WriteTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: attempts in total, a time budget, and the backoff curve (seconds)."""

    attempts: int = 4
    time_limit: float = 30.0
    backoff_initial: float = 0.1
    backoff_max: float = 5.0
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.time_limit <= 0:
            raise ValueError("time_limit must be positive")


class RetryableResponse(Exception):
    """Raised inside an attempt for a response worth retrying; carries the response."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        super().__init__(f"HTTP {response.status_code}")


def is_retryable_error(error: BaseException) -> bool:
    return isinstance(error, _RETRYABLE_ERRORS)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, or ``None`` if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


class Backoff:
    """The wait before each retry of one request, within the policy's time budget.

    Called by the retrying transport after each failure: returns the seconds to wait, or
    ``False`` to stop (the error is not retryable, or waiting would overrun the budget).
    """

    def __init__(self, policy: RetryPolicy, *, clock: float | None = None) -> None:
        self._policy = policy
        self._deadline = (clock if clock is not None else time.monotonic()) + policy.time_limit
        self._retries = 0
        self.gave_up_reason: str | None = None

    def __call__(self, error: Exception) -> bool | float:
        if isinstance(error, RetryableResponse):
            hinted = None
            if error.response.status_code in (429, 503):
                hinted = retry_after_seconds(error.response.headers.get("retry-after"))
            delay = hinted if hinted is not None else self._exponential()
        elif is_retryable_error(error):
            delay = self._exponential()
        else:
            return False
        remaining = self._deadline - time.monotonic()
        if delay >= remaining:
            self.gave_up_reason = (
                f"the next wait ({delay:.1f} s) would pass the retry time limit "
                f"({self._policy.time_limit:g} s)"
            )
            return False
        self._retries += 1
        return delay

    def _exponential(self) -> float:
        policy = self._policy
        base = min(policy.backoff_max, policy.backoff_initial * (2.0**self._retries))
        jitter: float = random.uniform(0, policy.jitter)
        return min(policy.backoff_max, base + jitter)
