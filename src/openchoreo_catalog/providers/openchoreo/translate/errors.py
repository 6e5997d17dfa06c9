"""The one failure a translator reports: this item cannot become an entity."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class BadItem(ValueError):
    """An API item lacks a required field or has an unusable name.

    The provider skips the item with a warning naming it and marks the cycle degraded, so
    the sweep removes nothing on the strength of data it could not read.
    """

    def __init__(self, kind: str, name: object, reason: str) -> None:
        self.kind = kind
        self.item_name = name
        super().__init__(f"{kind} {name!r}: {reason}")


def required_str(item: Mapping[str, Any], key: str, kind: str) -> str:
    """``item[key]`` as a non-empty string, else :class:`BadItem`."""
    value = item.get(key)
    if not isinstance(value, str) or not value:
        raise BadItem(kind, item.get("name"), f"missing or invalid required field '{key}'")
    return value
