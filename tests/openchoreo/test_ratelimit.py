"""``maxRequestsPerSecond`` holds in every one-second window, including a client's first.

Regression: the leaky bucket it replaced let an idle client (every burst has a fresh one)
send its whole budget at once and keep leaking meanwhile: up to twice the budget in the
first second (``bench/run.py``'s pacing run saw 34 requests in one second at a budget of 20).
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import time

import pytest

from openchoreo_catalog.openchoreo.ratelimit import WindowRateLimiter
from openchoreo_catalog.simulator import InProcessSimulator
from tests.simulator_fixtures import fast_client


def busiest_window(stamps: list[float], width: float = 1.0) -> int:
    """Most starts in any half-open window ``[t, t + width)``."""
    stamps = sorted(stamps)
    return max(bisect.bisect_left(stamps, t + width) - i for i, t in enumerate(stamps))


async def test_no_second_holds_more_than_the_budget_even_from_idle() -> None:
    limiter = WindowRateLimiter(20)
    stamps: list[float] = []

    async def worker(n: int) -> None:
        for _ in range(n):
            await limiter.acquire()
            stamps.append(time.monotonic())

    started = time.monotonic()
    await asyncio.gather(*(worker(5) for _ in range(9)))  # 45 requests, 9 in flight
    elapsed = time.monotonic() - started
    assert busiest_window(stamps) == 20
    assert 44 * 0.05 <= elapsed < 3.0  # one start every 50 ms: 44 gaps


async def test_starts_are_spaced_evenly_not_sent_in_bunches() -> None:
    """A whole window's budget at once arrives bunched with the next window's first
    requests whenever some are delayed on the way (the server saw 24 in a second at 20)."""
    limiter = WindowRateLimiter(20)
    stamps: list[float] = []

    async def worker() -> None:
        await limiter.acquire()
        stamps.append(time.monotonic())

    await asyncio.gather(*(worker() for _ in range(10)))
    gaps = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    assert min(gaps) >= 0.05 - 0.002  # the event loop's clock resolution


@pytest.mark.parametrize(
    ("rate", "capacity", "period"), [(20, 20, 1.0), (2.5, 2, 1.0), (0.5, 1, 2.0), (1, 1, 1.0)]
)
def test_a_fractional_budget_rounds_down_never_up(
    rate: float, capacity: int, period: float
) -> None:
    limiter = WindowRateLimiter(rate)
    assert (limiter.capacity, limiter.period) == (capacity, period)


def test_a_budget_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        WindowRateLimiter(0)


async def test_the_client_keeps_its_budget_in_the_first_second(
    simulator: InProcessSimulator,
) -> None:
    org = simulator.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    simulator.admin.reset_requests()
    async with fast_client(simulator.base_url, max_requests_per_second=10) as client:
        started = time.monotonic()
        await asyncio.gather(*(client.get_org(org) for _ in range(15)))
        assert time.monotonic() - started >= 1.0  # the 11th waited for the first to age
    assert simulator.admin.requests()["total"] == 15
