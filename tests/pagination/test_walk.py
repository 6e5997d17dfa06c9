"""The pagination core on its own: page protocol, stalls, timeouts, cancellation, dialects.

These drive ``fetch_all`` with in-process fetchers to pin down each rule exactly; the tests
under ``tests/openchoreo`` repeat the important ones over real HTTP against the simulator.
"""

from __future__ import annotations

import asyncio

import pytest

from openchoreo_catalog.pagination import (
    CONTINUE,
    CURSOR,
    ContinueTokenExpired,
    InvalidContinueToken,
    MalformedPage,
    Page,
    PaginationCancelled,
    PaginationStalled,
    PaginationTimeout,
    clamp_limit,
    fetch_all,
    iterate_pages,
)


def scripted(pages: dict[str | None, Page[int]]):  # type: ignore[no-untyped-def]
    calls: list[str | None] = []

    async def fetch(token: str | None) -> Page[int]:
        calls.append(token)
        return pages[token]

    return fetch, calls


async def test_walks_until_the_token_is_absent() -> None:
    fetch, calls = scripted(
        {
            None: Page([1, 2], next_token="a", has_more=True),
            "a": Page([3], next_token="b", has_more=True),
            "b": Page([4, 5], next_token=None, has_more=False),
        }
    )
    assert await fetch_all(fetch) == [1, 2, 3, 4, 5]
    assert calls == [None, "a", "b"]


async def test_empty_string_token_ends_the_walk_like_an_absent_one() -> None:
    fetch, calls = scripted({None: Page([1], next_token="a"), "a": Page([2], next_token="")})
    assert await fetch_all(fetch) == [1, 2]
    assert calls == [None, "a"]


async def test_empty_and_short_pages_with_has_more_continue() -> None:
    fetch, _ = scripted(
        {
            None: Page([], next_token="a", has_more=True),
            "a": Page([1], next_token="b", has_more=True),
            "b": Page([], next_token="c", has_more=True),
            "c": Page([2], next_token=None),
        }
    )
    assert await fetch_all(fetch) == [1, 2]


async def test_has_more_without_a_token_is_a_protocol_error() -> None:
    fetch, _ = scripted({None: Page([1], next_token=None, has_more=True)})
    with pytest.raises(MalformedPage, match="hasMore but sent no continue token"):
        await fetch_all(fetch, endpoint="GET /orgs")


async def test_a_token_that_does_not_advance_stalls() -> None:
    fetch, _ = scripted({None: Page([1], next_token="a"), "a": Page([2], next_token="a")})
    with pytest.raises(PaginationStalled, match="GET /orgs"):
        await fetch_all(fetch, endpoint="GET /orgs")


async def test_a_token_that_comes_back_later_stalls() -> None:
    fetch, calls = scripted(
        {
            None: Page([1], next_token="a"),
            "a": Page([2], next_token="b"),
            "b": Page([3], next_token="a"),
        }
    )
    with pytest.raises(PaginationStalled):
        await fetch_all(fetch)
    assert calls == [None, "a", "b"]


async def test_total_time_limit() -> None:
    async def slow(token: str | None) -> Page[int]:
        await asyncio.sleep(10)
        return Page([1])

    with pytest.raises(PaginationTimeout, match=r"gave up after 0\.05 s"):
        await fetch_all(slow, timeout=0.05)


async def test_cancellation_stops_a_page_in_flight() -> None:
    cancel = asyncio.Event()
    started = asyncio.Event()

    async def hanging(token: str | None) -> Page[int]:
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    walk = asyncio.create_task(fetch_all(hanging, cancel=cancel, timeout=None))
    await started.wait()
    cancel.set()
    with pytest.raises(PaginationCancelled):
        await walk


async def test_cancellation_before_the_next_page() -> None:
    cancel = asyncio.Event()
    calls: list[str | None] = []

    async def fetch(token: str | None) -> Page[int]:
        calls.append(token)
        cancel.set()
        return Page([1], next_token="more")

    with pytest.raises(PaginationCancelled):
        await fetch_all(fetch, cancel=cancel)
    assert calls == [None]


async def test_errors_from_a_page_propagate_unchanged() -> None:
    async def fetch(token: str | None) -> Page[int]:
        raise ContinueTokenExpired(endpoint="GET /orgs")

    with pytest.raises(ContinueTokenExpired):
        await fetch_all(fetch)


async def test_iterate_pages_resumes_from_a_start_token() -> None:
    fetch, calls = scripted({"b": Page([3], next_token="c"), "c": Page([4])})
    pages = [page async for page in iterate_pages(fetch, start_token="b")]
    assert [list(p.items) for p in pages] == [[3], [4]]
    assert calls == ["b", "c"]


@pytest.mark.parametrize(
    ("requested", "sent"),
    [(None, 100), (0, 1), (-5, 1), (1, 1), (7, 7), (512, 512), (513, 512), (10_000, 512)],
)
def test_limits_are_clamped_to_what_the_server_accepts(requested: int | None, sent: int) -> None:
    assert clamp_limit(requested) == sent
    assert CONTINUE.page_params(requested, None) == {"limit": str(sent)}


def test_continue_dialect_reads_pages() -> None:
    last = CONTINUE.parse_page(
        {"items": [1], "metadata": {"resourceVersion": "7", "hasMore": False}}
    )
    assert (list(last.items), last.next_token, last.resource_version, last.is_last) == (
        [1],
        None,
        "7",
        True,
    )
    middle = CONTINUE.parse_page(
        {"items": [], "metadata": {"resourceVersion": "7", "continue": "t", "hasMore": True}}
    )
    assert (middle.next_token, middle.has_more, middle.is_last) == ("t", True, False)
    assert CONTINUE.page_params(5, "t") == {"limit": "5", "continue": "t"}


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"items": {}, "metadata": {}},
        {"items": [], "metadata": {"continue": 5}},
        {"items": [], "metadata": {"hasMore": "yes"}},
        {"items": [], "metadata": []},
    ],
)
def test_continue_dialect_rejects_malformed_pages(data: object) -> None:
    with pytest.raises(MalformedPage, match="GET /orgs"):
        CONTINUE.parse_page(data, endpoint="GET /orgs")


def test_expiry_and_invalid_tokens_are_decided_by_status_and_code() -> None:
    real_410 = {
        "success": False,
        "error": "Continue token has expired. Please restart listing from the beginning.",
        "code": "CONTINUE_TOKEN_EXPIRED",
    }
    assert isinstance(CONTINUE.classify_error(410, real_410), ContinueTokenExpired)
    k8s_status = {"kind": "Status", "status": "Failure", "reason": "Expired", "code": 410}
    assert isinstance(CONTINUE.classify_error(410, k8s_status), ContinueTokenExpired)
    invalid = {
        "success": False,
        "error": "Invalid continue token provided",
        "code": "INVALID_CONTINUE_TOKEN",
    }
    assert isinstance(CONTINUE.classify_error(400, invalid), InvalidContinueToken)
    # Message text alone decides nothing: a 500 that mentions expiry is not an expiry.
    misleading = {"success": False, "error": "token expired 410", "code": "INTERNAL_ERROR"}
    assert CONTINUE.classify_error(500, misleading) is None
    assert CONTINUE.classify_error(400, {"code": "INVALID_INPUT", "error": "continue"}) is None


def test_cursor_dialect_for_the_namespace_era_api() -> None:
    assert CURSOR.page_params(500, "abc") == {"limit": "100", "cursor": "abc"}
    page = CURSOR.parse_page(
        {"items": [1, 2], "pagination": {"nextCursor": "n", "remainingCount": 3}}
    )
    assert (list(page.items), page.next_token) == ([1, 2], "n")
    assert CURSOR.parse_page({"items": [], "pagination": {}}).is_last
