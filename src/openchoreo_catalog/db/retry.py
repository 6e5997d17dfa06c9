"""How often and how patiently a unit of work is retried after a transient failure.

Deadlocks, serialization failures, lock timeouts and dropped connections are normal under
concurrency; retrying the *whole* transaction a few times with jittered exponential backoff
makes them invisible, while a bounded number of attempts keeps a real outage visible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Up to ``attempts`` tries; the n-th wait is ``base_delay * 2**(n-1)`` (capped), jittered."""

    attempts: int = 5
    base_delay: float = 0.05
    max_delay: float = 2.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * float(2 ** max(0, attempt - 1)))
        return ceiling * random.uniform(0.5, 1.0)


NO_RETRY = RetryPolicy(attempts=1)
