"""Fault injection: rules that make the simulator misbehave the ways real servers do.

A rule has a ``kind`` (what goes wrong), a scope (``match``: a regular expression searched in
the request path; ``on``: ``any``, ``first`` pages or ``continue`` pages only) and a dose
(``rate`` of matching requests, optionally only every ``every``-th, skipping the first
``after``, at most ``times`` in total). Rules are JSON so tests set them through
``/__admin/faults`` as easily as the CLI does at start.

Kinds and their parameters:

* ``latency`` (``ms``) — delay the response.
* ``error`` (``status`` 503, ``code``, ``retryAfter``) — answer with a 5xx (or any) error.
* ``throttle`` (``retryAfter``: seconds or an HTTP date, default ``"1"``) — 429.
* ``drop`` — close the connection without any response.
* ``expire`` — a continue request gets the real 410 ``CONTINUE_TOKEN_EXPIRED``.
* ``short`` — a page holds fewer items than ``limit`` (nothing is lost: the token points at
  the last item served), as when authorization filters a page.
* ``empty`` — a page holds no items but ``hasMore: true`` with a fresh token (lossless).
* ``hide`` (``fraction``) — authorization filtering that loses items: a fixed share of names
  never appears in lists.
* ``stall`` — a continue request gets back the very token it sent.
* ``empty_continue`` — the last page says ``"continue": ""`` instead of leaving it out.
* ``has_more_no_token`` — the last page says ``hasMore: true`` but gives no token.
* ``malformed_json`` — the body is cut short: not JSON.
* ``wrong_type`` (``field``, default ``name``) — the first item (or the object) gets a
  number where a string belongs.
* ``huge`` (``mb``, default 10) — the response is padded with an unknown field to that size.
* ``hostile_names`` (``style``: ``long`` 300 characters, or ``non_ascii``) — names in list
  items are rewritten.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

KINDS = frozenset(
    {
        "latency",
        "error",
        "throttle",
        "drop",
        "expire",
        "short",
        "empty",
        "hide",
        "stall",
        "empty_continue",
        "has_more_no_token",
        "malformed_json",
        "wrong_type",
        "huge",
        "hostile_names",
    }
)
_SCOPES = ("any", "first", "continue")
_PARAMS = {"ms", "status", "code", "retryAfter", "fraction", "field", "mb", "style"}


class FaultSpecError(ValueError):
    """A fault rule that cannot be applied; the message says which key and why."""


@dataclass
class FaultRule:
    kind: str
    match: str | None = None
    on: str = "any"
    rate: float = 1.0
    every: int | None = None
    after: int = 0
    times: int | None = None
    params: dict[str, Any] = field(default_factory=dict)
    id: int = 0
    seen: int = 0
    applied: int = 0
    _pattern: re.Pattern[str] | None = field(default=None, repr=False)

    @classmethod
    def from_json(cls, spec: Any, rule_id: int) -> FaultRule:
        if not isinstance(spec, dict):
            raise FaultSpecError("a fault rule must be a JSON object")
        kind = spec.get("kind")
        if kind not in KINDS:
            raise FaultSpecError(f"kind must be one of {', '.join(sorted(KINDS))}; got {kind!r}")
        unknown = set(spec) - {"kind", "match", "on", "rate", "every", "after", "times"} - _PARAMS
        if unknown:
            raise FaultSpecError(f"unknown keys {sorted(unknown)} in a {kind} rule")
        rule = cls(
            kind=kind,
            match=_optional(spec, "match", str),
            on=spec.get("on", "any"),
            rate=float(_default(_optional(spec, "rate", (int, float)), 1.0)),
            every=_optional(spec, "every", int),
            after=int(_default(_optional(spec, "after", int), 0)),
            times=_optional(spec, "times", int),
            params={k: spec[k] for k in _PARAMS if k in spec},
            id=rule_id,
        )
        if rule.on not in _SCOPES:
            raise FaultSpecError(f"on must be one of {', '.join(_SCOPES)}")
        if not 0.0 <= rule.rate <= 1.0:
            raise FaultSpecError("rate must be between 0 and 1")
        if rule.every is not None and rule.every < 1:
            raise FaultSpecError("every must be 1 or more")
        if rule.match is not None:
            try:
                rule._pattern = re.compile(rule.match)
            except re.error as error:
                raise FaultSpecError(f"match is not a regular expression: {error}") from None
        if kind == "expire" and rule.on == "any":
            rule.on = "continue"
        return rule

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": self.kind, "on": self.on, "rate": self.rate}
        for key in ("match", "every", "times"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        if self.after:
            data["after"] = self.after
        data.update(self.params)
        data["seen"] = self.seen
        data["applied"] = self.applied
        return data

    def fires(self, path: str, continuing: bool, rng: random.Random) -> bool:
        """Whether this rule applies to this request (and count it if so)."""
        if self.on != "any" and continuing != (self.on == "continue"):
            return False
        if self._pattern is not None and not self._pattern.search(path):
            return False
        if self.times is not None and self.applied >= self.times:
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        if self.every is not None and (self.seen - self.after) % self.every:
            return False
        if self.rate < 1.0 and rng.random() >= self.rate:
            return False
        self.applied += 1
        return True


def _default(value: Any, default: float) -> Any:
    return default if value is None else value


def _optional(spec: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        raise FaultSpecError(f"{key} has the wrong type: {value!r}")
    return value


class FaultSet:
    """The active rules, in the order they were added."""

    def __init__(self, seed: int = 0) -> None:
        self.rules: list[FaultRule] = []
        self._next_id = 1
        self._rng = random.Random(seed)

    def add(self, spec: Any) -> FaultRule:
        rule = FaultRule.from_json(spec, self._next_id)
        self._next_id += 1
        self.rules.append(rule)
        return rule

    def remove(self, rule_id: int) -> bool:
        before = len(self.rules)
        self.rules = [r for r in self.rules if r.id != rule_id]
        return len(self.rules) < before

    def clear(self) -> None:
        self.rules.clear()

    def firing(self, path: str, continuing: bool) -> dict[str, FaultRule]:
        """The rules that apply to this request, by kind (the first rule of a kind wins)."""
        fired: dict[str, FaultRule] = {}
        for rule in self.rules:
            if rule.kind not in fired and rule.fires(path, continuing, self._rng):
                fired[rule.kind] = rule
        return fired

    @property
    def rng(self) -> random.Random:
        return self._rng
