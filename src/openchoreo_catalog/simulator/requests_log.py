"""What the simulator was asked: counts per endpoint and the recent requests themselves.

Tests assert on what went over the wire (no ``limit=0`` ever sent, the bearer token present,
retries made) without trusting the client's own counters. Each recent request carries ``at``,
the epoch seconds it arrived (before any simulated latency and the handler's own time), so a
benchmark can check a client's request rate against its budget from the server's side.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

RECENT = 20_000


@dataclass
class RequestLog:
    by_endpoint: Counter[str] = field(default_factory=Counter)
    by_status: Counter[int] = field(default_factory=Counter)
    recent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=RECENT))

    def record(
        self,
        endpoint: str,
        method: str,
        path: str,
        query: str,
        status: int,
        auth: str,
        *,
        at: float | None = None,
    ) -> None:
        self.by_endpoint[endpoint] += 1
        self.by_status[status] += 1
        self.recent.append(
            {
                "method": method,
                "path": path,
                "query": query,
                "status": status,
                "auth": auth,
                "at": time.time() if at is None else at,
            }
        )

    def to_json(self, *, recent: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "total": sum(self.by_endpoint.values()),
            "byEndpoint": dict(self.by_endpoint),
            "byStatus": {str(k): v for k, v in sorted(self.by_status.items())},
        }
        if recent:
            data["recent"] = list(self.recent)
        return data

    def reset(self) -> None:
        self.by_endpoint.clear()
        self.by_status.clear()
        self.recent.clear()
