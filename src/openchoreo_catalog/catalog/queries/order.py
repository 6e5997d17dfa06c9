"""Sort directives: ``orderField=metadata.name,asc`` (by-query) and ``order=asc:kind`` (legacy)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from openchoreo_catalog.catalog.queries.errors import QueryError

Direction = Literal["asc", "desc"]
MAX_ORDER_FIELDS = 20
"""Each sort key is a correlated subquery; thousands of them (``?order=…`` repeated) failed in
every database with a 500, and no real client sorts by more than a handful."""


def _bounded(params: Iterable[str], name: str) -> list[str]:
    """The parameter's values, or :class:`QueryError` when there are too many to sort by."""
    values = list(params)
    if len(values) > MAX_ORDER_FIELDS:
        raise QueryError(f"Invalid {name}, at most {MAX_ORDER_FIELDS} sort fields")
    return values


@dataclass(frozen=True, slots=True)
class OrderField:
    field: str
    """Lower-cased dotted key."""
    direction: Direction = "asc"


def parse_order_fields(params: Iterable[str]) -> list[OrderField]:
    """``field[,asc|desc]`` per parameter (by-query uses only the first, as Backstage)."""
    result: list[OrderField] = []
    for text in _bounded(params, "orderField"):
        field, _, direction = text.partition(",")
        field = field.strip().lower()
        direction = direction.strip().lower() or "asc"
        if not field:
            raise QueryError("Invalid orderField, the field is empty")
        if direction not in ("asc", "desc"):
            raise QueryError("Invalid order field order, must be asc or desc")
        result.append(OrderField(field, direction))  # type: ignore[arg-type]
    return result


def parse_legacy_order(params: Iterable[str]) -> list[OrderField]:
    """``asc:field`` / ``desc:field`` per parameter (``GET /entities``)."""
    result: list[OrderField] = []
    for text in _bounded(params, "order"):
        direction, _, field = text.partition(":")
        if direction not in ("asc", "desc") or not field.strip():
            raise QueryError(
                f'Invalid order parameter "{text[:100]}", expected "<asc or desc>:<field name>"'
            )
        result.append(OrderField(field.strip().lower(), direction))  # type: ignore[arg-type]
    return result
