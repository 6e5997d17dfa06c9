"""Counters of what the client sent and got, for benchmarks, logs and tests.

Plain integers updated on the event loop (no locks needed); ``snapshot()`` gives a JSON-able
copy. ``requests`` counts every attempt that went on the wire, per endpoint template
(``GET /orgs/{orgName}/projects``), so retries show up there too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestStats:
    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    retries: int = 0
    throttled: int = 0
    """Responses with HTTP 429."""
    server_errors: int = 0
    """Responses with HTTP 5xx."""
    transport_errors: int = 0
    """Attempts that got no response (connect errors, timeouts, dropped connections)."""
    bytes_received: int = 0

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def snapshot(self) -> dict[str, Any]:
        return {
            "requests": dict(self.requests),
            "totalRequests": self.total_requests,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "retries": self.retries,
            "throttled": self.throttled,
            "serverErrors": self.server_errors,
            "transportErrors": self.transport_errors,
            "bytesReceived": self.bytes_received,
        }

    def reset(self) -> None:
        self.requests.clear()
        self.statuses.clear()
        self.retries = self.throttled = self.server_errors = 0
        self.transport_errors = self.bytes_received = 0
