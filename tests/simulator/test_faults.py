"""Fault rules: scope, dose and bookkeeping, decided exactly."""

from __future__ import annotations

import random

import pytest

from openchoreo_catalog.simulator.faults import FaultRule, FaultSet, FaultSpecError

RNG = random.Random(0)


def fired(rule: FaultRule, path: str = "/api/v1/orgs", continuing: bool = False) -> bool:
    return rule.fires(path, continuing, RNG)


def test_match_every_after_and_times_choose_exactly_which_requests() -> None:
    rule = FaultRule.from_json(
        {"kind": "error", "match": "/orgs$", "after": 1, "every": 2, "times": 2}, 1
    )
    decisions = [fired(rule) for _ in range(8)]
    assert decisions == [False, False, True, False, True, False, False, False]
    assert not fired(rule, "/api/v1/orgs/a/projects")
    assert (rule.seen, rule.applied) == (5, 2)


def test_a_rate_of_zero_never_fires_and_one_always_does() -> None:
    never = FaultRule.from_json({"kind": "error", "rate": 0}, 1)
    always = FaultRule.from_json({"kind": "error", "rate": 1}, 2)
    assert not any(fired(never) for _ in range(50))
    assert all(fired(always) for _ in range(50))


def test_scopes_first_and_continue_pages() -> None:
    first = FaultRule.from_json({"kind": "error", "on": "first"}, 1)
    expire = FaultRule.from_json({"kind": "expire"}, 2)
    assert fired(first)
    assert not fired(first, continuing=True)
    assert expire.on == "continue"
    assert fired(expire, continuing=True)
    assert not fired(expire)


def test_the_first_rule_of_a_kind_wins_and_rules_can_be_removed() -> None:
    faults = FaultSet()
    a = faults.add({"kind": "error", "status": 500})
    faults.add({"kind": "error", "status": 502})
    faults.add({"kind": "latency", "ms": 5})
    firing = faults.firing("/api/v1/orgs", False)
    assert set(firing) == {"error", "latency"}
    assert firing["error"].id == a.id
    assert faults.remove(a.id)
    assert not faults.remove(a.id)
    assert faults.firing("/api/v1/orgs", False)["error"].params == {"status": 502}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([], "JSON object"),
        ({"kind": "boom"}, "kind must be one of"),
        ({"kind": "error", "colour": 1}, "unknown keys"),
        ({"kind": "error", "rate": "high"}, "rate has the wrong type"),
        ({"kind": "error", "every": 0}, "every must be"),
        ({"kind": "error", "on": "sometimes"}, "on must be"),
    ],
)
def test_bad_rules_say_what_is_wrong(spec: object, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        FaultRule.from_json(spec, 1)
