"""Timestamps of generated resources: fixed by the seed, not by when the simulator runs."""

from __future__ import annotations

import time

EPOCH = 1_704_067_200  # 2024-01-01T00:00:00Z
SPAN = 60_000_000  # about two years


def timestamp(offset: int) -> str:
    """RFC 3339 UTC for ``EPOCH + offset % SPAN`` seconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(EPOCH + offset % SPAN))


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
