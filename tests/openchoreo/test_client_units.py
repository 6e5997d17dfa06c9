"""The client's pure parts: Retry-After, the backoff budget, settings, stats, repr."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from openchoreo_catalog.config import ConfigError, settings_from_mapping
from openchoreo_catalog.openchoreo import OpenChoreoClient, RetryPolicy
from openchoreo_catalog.openchoreo.retry import Backoff, RetryableResponse, retry_after_seconds


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("3", 3.0), (" 0.5 ", 0.5), ("0", 0.0), ("-4", 0.0), (None, None), ("soon", None)],
)
def test_retry_after_in_seconds(header: str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header) == seconds


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(header, now=now) == 90.0
    past = format_datetime(now - timedelta(hours=1), usegmt=True)
    assert retry_after_seconds(past, now=now) == 0.0


def _retryable(status: int, retry_after: str | None = None) -> RetryableResponse:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    return RetryableResponse(httpx.Response(status, headers=headers))


def test_backoff_grows_exponentially_with_bounded_jitter() -> None:
    backoff = Backoff(RetryPolicy(backoff_initial=0.1, backoff_max=1.0, jitter=0.05))
    waits = [backoff(_retryable(503)) for _ in range(6)]
    assert all(isinstance(w, float) for w in waits)
    for n, wait in enumerate(waits):
        base = min(1.0, 0.1 * 2**n)
        assert base <= wait <= min(1.0, base + 0.05)


def test_backoff_uses_retry_after_and_stops_past_the_budget() -> None:
    backoff = Backoff(RetryPolicy(time_limit=5.0))
    assert backoff(_retryable(429, "2")) == 2.0
    assert backoff(_retryable(429, "60")) is False
    assert backoff.gave_up_reason is not None
    assert "retry time limit" in backoff.gave_up_reason
    assert Backoff(RetryPolicy())(ValueError("not retryable")) is False


def test_backoff_budget_counts_time_already_spent() -> None:
    backoff = Backoff(RetryPolicy(time_limit=1.0), clock=time.monotonic() - 0.95)
    assert backoff(_retryable(503, "0.2")) is False


def test_from_settings_uses_url_token_rate_and_page_size() -> None:
    settings = settings_from_mapping(
        {
            "openchoreo": {
                "baseUrl": "http://openchoreo:8080/api/v1/",
                "token": "s3cret-token",
                "incremental": {"chunkSize": 900, "maxRequestsPerSecond": 5},
            }
        }
    )
    client = OpenChoreoClient.from_settings(settings.openchoreo)
    assert client.base_url == "http://openchoreo:8080/api/v1"
    assert client.page_size == 512
    assert client._http.headers["authorization"] == "Bearer s3cret-token"
    assert "s3cret" not in repr(client)


def test_from_settings_needs_a_base_url() -> None:
    settings = settings_from_mapping({})
    with pytest.raises(ConfigError, match=r"openchoreo\.baseUrl"):
        OpenChoreoClient.from_settings(settings.openchoreo)


@pytest.mark.parametrize("url", ["ftp://x/api/v1", "openchoreo:8080", ""])
def test_a_bad_base_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="http"):
        OpenChoreoClient(url)


async def test_stats_count_requests_per_endpoint_template_and_bytes() -> None:
    body = b'{"success":true,"data":{"name":"a","createdAt":"2026-01-01T00:00:00Z"}}'
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    async with OpenChoreoClient("http://x/api/v1", transport=transport) as client:
        await client.get_org("a")
        await client.get_org("b")
        snapshot = client.stats.snapshot()
    assert snapshot["requests"] == {"GET /orgs/{orgName}": 2}
    assert snapshot["bytesReceived"] == 2 * len(body)
    assert snapshot["statuses"] == {"200": 2}
    client.stats.reset()
    assert client.stats.total_requests == 0
