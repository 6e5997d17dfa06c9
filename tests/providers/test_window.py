"""The request window: a bound on requests in flight, list pages served first."""

from __future__ import annotations

import asyncio

import pytest

from openchoreo_catalog.providers.openchoreo.window import Window


async def test_waiting_list_requests_go_before_waiting_details() -> None:
    window = Window(1)
    order: list[str] = []
    gate = asyncio.Event()

    async def request(name: str, urgent: bool) -> None:
        async with window.slot(urgent=urgent):
            order.append(name)
            await gate.wait()

    holder = asyncio.create_task(request("first", False))
    await asyncio.sleep(0)
    waiting = [
        asyncio.create_task(request("detail-1", False)),
        asyncio.create_task(request("detail-2", False)),
        asyncio.create_task(request("list", True)),
    ]
    await asyncio.sleep(0)
    assert window.in_flight == 1
    gate.set()
    await asyncio.gather(holder, *waiting)
    assert order == ["first", "list", "detail-1", "detail-2"]
    assert window.in_flight == 0


async def test_a_cancelled_waiter_gives_its_slot_on() -> None:
    window = Window(1)
    release = asyncio.Event()
    done: list[str] = []

    async def request(name: str) -> None:
        async with window.slot():
            done.append(name)
            await release.wait()

    holder = asyncio.create_task(request("a"))
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(request("b"))
    last = asyncio.create_task(request("c"))
    await asyncio.sleep(0)
    cancelled.cancel()
    release.set()
    await asyncio.gather(holder, last)
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert done == ["a", "c"]
    assert window.in_flight == 0


def test_a_window_holds_at_least_one_request() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Window(0)
