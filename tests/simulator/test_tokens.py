"""Continue tokens: round trip, malformed (400) and expired (410) decided exactly."""

from __future__ import annotations

import base64

import pytest

from openchoreo_catalog.simulator import tokens
from openchoreo_catalog.simulator.errors import SimError

PATH = "/api/v1/orgs"


def position(**changes: object) -> tokens.Position:
    values: dict[str, object] = {
        "rv": 1000,
        "after": "org-0001-acme",
        "taken": 100.0,
        "generation": 0,
        "listing": tokens.listing_key(PATH),
        "page": 1,
    }
    values.update(changes)
    return tokens.Position(**values)  # type: ignore[arg-type]


def test_a_token_round_trips_and_is_url_safe() -> None:
    token = tokens.encode(position(after="ünïcødé/x"))
    assert not set("=+/") & set(token)
    assert tokens.decode(token, path=PATH) == position(after="ünïcødé/x")


@pytest.mark.parametrize(
    "token",
    [
        "garbage!",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b'{"v": 1}').decode(),
        base64.urlsafe_b64encode(b'{"v":2,"rv":1,"start":"a","t":1,"g":0,"l":0,"n":1}').decode(),
        base64.urlsafe_b64encode(b'{"v":1,"rv":0,"start":"a","t":1,"g":0,"l":0,"n":1}').decode(),
    ],
)
def test_malformed_tokens_are_400(token: str) -> None:
    with pytest.raises(SimError) as caught:
        tokens.decode(token, path=PATH)
    assert (caught.value.status, caught.value.code) == (400, "INVALID_CONTINUE_TOKEN")


def test_a_token_from_another_listing_is_refused() -> None:
    token = tokens.encode(position())
    with pytest.raises(SimError, match="INVALID_CONTINUE_TOKEN"):
        tokens.decode(token, path="/api/v1/orgs/acme/projects")


def test_expiry_by_age_of_the_snapshot_and_by_generation() -> None:
    fresh = position(taken=100.0, generation=2)
    tokens.check_fresh(fresh, now=150.0, ttl=60.0, generation=2)
    with pytest.raises(SimError) as caught:
        tokens.check_fresh(fresh, now=161.0, ttl=60.0, generation=2)
    assert (caught.value.status, caught.value.code) == (410, "CONTINUE_TOKEN_EXPIRED")
    with pytest.raises(SimError, match="CONTINUE_TOKEN_EXPIRED"):
        tokens.check_fresh(fresh, now=150.0, ttl=60.0, generation=3)
