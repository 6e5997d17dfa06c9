"""Backstage's filter syntax: ``filter=kind=component,spec.type=service&filter=kind=api``.

One ``filter`` parameter is a set of conditions that must all hold (AND); several ``filter``
parameters are alternatives (OR). A condition is ``key=value`` (the key's value equals
``value``, case-insensitively), ``key`` alone (the key exists), or ``key=`` (its value is the
empty string). The same key twice in one set means either value (``kind=a,kind=b``).
Keys are dotted paths (``metadata.annotations.openchoreo.io/project``), case-insensitive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from openchoreo_catalog.catalog.queries.errors import QueryError

MAX_FILTER_SETS = 100
MAX_CONDITIONS = 100
MAX_TEXT = 1_000


@dataclass(frozen=True, slots=True)
class Condition:
    """``key`` exists (``values`` is None) or equals one of ``values`` (lower-cased)."""

    key: str
    values: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class EntityFilter:
    """Alternatives (OR), each a conjunction (AND) of conditions."""

    any_of: tuple[tuple[Condition, ...], ...]

    def to_json(self) -> list[list[list[object]]]:
        return [
            [[c.key, list(c.values) if c.values is not None else None] for c in s]
            for s in self.any_of
        ]

    @classmethod
    def from_json(cls, data: object) -> EntityFilter:
        """Rebuild from :meth:`to_json` output; raise :class:`QueryError` on any other shape."""
        if not isinstance(data, list) or len(data) > MAX_FILTER_SETS:
            raise QueryError("malformed filter")
        sets = []
        for entry in data:
            if not isinstance(entry, list) or not entry or len(entry) > MAX_CONDITIONS:
                raise QueryError("malformed filter")
            conditions = []
            for item in entry:
                if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)):
                    raise QueryError("malformed filter")
                key, values = item
                if values is not None and not (
                    isinstance(values, list) and all(isinstance(v, str) for v in values)
                ):
                    raise QueryError("malformed filter")
                conditions.append(Condition(key, tuple(values) if values is not None else None))
            sets.append(tuple(conditions))
        return cls(tuple(sets))


def parse_filter_params(params: Iterable[str]) -> EntityFilter | None:
    """Parse the repeated ``filter`` query parameters; None when there is no condition."""
    sets: list[tuple[Condition, ...]] = []
    for text in params:
        if len(text) > MAX_TEXT * 10:
            raise QueryError("Invalid filter, too long")
        conditions = parse_filter_string(text)
        if conditions:
            sets.append(conditions)
    if len(sets) > MAX_FILTER_SETS:
        raise QueryError(f"Invalid filter, at most {MAX_FILTER_SETS} filter parameters")
    return EntityFilter(tuple(sets)) if sets else None


def parse_filter_string(text: str) -> tuple[Condition, ...]:
    """One filter set: ``a=b,c=d,e`` → conditions (repeated keys merge their values)."""
    statements = [s.strip() for s in text.split(",")]
    statements = [s for s in statements if s]
    if len(statements) > MAX_CONDITIONS:
        raise QueryError(f"Invalid filter, at most {MAX_CONDITIONS} conditions in one filter")
    by_key: dict[str, list[str]] = {}
    for statement in statements:
        key, equals, value = statement.partition("=")
        key = key.strip().lower()
        if not key:
            raise QueryError(
                f"Invalid filter, '{statement[:100]}' is not a valid statement "
                "(expected a string on the form a=b or a= or a)"
            )
        values = by_key.setdefault(key, [])
        if equals:
            values.append(value.strip().lower())
    # As Backstage: a key given with values and bare matches the values only.
    return tuple(
        Condition(key, tuple(dict.fromkeys(values)) if values else None)
        for key, values in by_key.items()
    )
