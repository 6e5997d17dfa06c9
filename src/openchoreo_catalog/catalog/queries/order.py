"""Sort directives: ``orderField=metadata.name,asc`` (by-query) and ``order=asc:kind`` (legacy)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from openchoreo_catalog.catalog.queries.errors import QueryError

Direction = Literal["asc", "desc"]


@dataclass(frozen=True, slots=True)
class OrderField:
    field: str
    """Lower-cased dotted key."""
    direction: Direction = "asc"


def parse_order_fields(params: Iterable[str]) -> list[OrderField]:
    """``field[,asc|desc]`` per parameter (by-query uses only the first, as Backstage)."""
    result: list[OrderField] = []
    for text in params:
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
    for text in params:
        direction, _, field = text.partition(":")
        if direction not in ("asc", "desc") or not field.strip():
            raise QueryError(
                f'Invalid order parameter "{text[:100]}", expected "<asc or desc>:<field name>"'
            )
        result.append(OrderField(field.strip().lower(), direction))  # type: ignore[arg-type]
    return result
