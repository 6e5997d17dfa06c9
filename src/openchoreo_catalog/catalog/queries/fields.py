"""``fields=kind,metadata.name`` — keep only these parts of each entity (lodash get/set paths)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from openchoreo_catalog.catalog.queries.errors import QueryError

MAX_FIELDS = 200


def parse_fields(params: Iterable[str]) -> list[str] | None:
    """Comma-separated (and repeatable) field paths; None when none are given."""
    fields = [f.strip() for text in params for f in text.split(",")]
    fields = [f for f in fields if f]
    if not fields:
        return None
    if len(fields) > MAX_FIELDS:
        raise QueryError(f"Invalid fields, at most {MAX_FIELDS}")
    if any("[" in f for f in fields):
        raise QueryError("invalid fields, array type fields are not supported")
    return fields


def wants_relations(fields: list[str] | None) -> bool:
    return fields is None or any(f == "relations" or f.startswith("relations.") for f in fields)


def project(entity: Mapping[str, Any], fields: list[str]) -> dict[str, Any]:
    """The parts of ``entity`` named by ``fields`` (missing paths are left out)."""
    output: dict[str, Any] = {}
    for field in fields:
        parts = field.split(".")
        node: Any = entity
        for part in parts:
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            else:
                break
        else:
            target = output
            for part in parts[:-1]:
                child = target.get(part)
                if not isinstance(child, dict):
                    child = target[part] = {}
                target = child
            target[parts[-1]] = node
    return output
