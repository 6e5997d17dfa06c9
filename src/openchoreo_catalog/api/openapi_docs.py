"""OpenAPI descriptions of the parameters the catalog routes read by hand.

The routes parse their query strings themselves (Backstage's repeat-or-comma rules, 400s
instead of FastAPI's 422s), so FastAPI cannot see those parameters. Declaring them here puts
them in ``/openapi.json``, where clients and fuzzers (schemathesis) find them; parsing stays
where it is.
"""

from __future__ import annotations

from typing import Any


def query(name: str, schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    """One query parameter."""
    return {"name": name, "in": "query", "required": required, "schema": schema}


TEXT: dict[str, Any] = {"type": "string"}
TEXTS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
COUNT: dict[str, Any] = {"type": "integer", "minimum": 0}

FILTER = query("filter", TEXTS)
FIELDS = query("fields", TEXTS)

BY_QUERY: dict[str, Any] = {
    "parameters": [
        FILTER,
        FIELDS,
        query("orderField", TEXTS),
        query("fullTextFilterTerm", TEXT),
        query("fullTextFilterFields", TEXTS),
        query("limit", COUNT),
        query("offset", COUNT),
        query("cursor", TEXT),
        query("totalItems", {"type": "string", "enum": ["include", "exclude"]}),
    ]
}

ENTITIES: dict[str, Any] = {
    "parameters": [
        FILTER,
        FIELDS,
        query("order", TEXTS),
        query("limit", {"type": "integer", "minimum": 1}),
        query("offset", COUNT),
        query("after", TEXT),
    ]
}

BY_REFS: dict[str, Any] = {
    "parameters": [FILTER, FIELDS],
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["entityRefs"],
                    "properties": {"entityRefs": TEXTS, "fields": TEXTS},
                }
            }
        },
    },
}

FACETS: dict[str, Any] = {"parameters": [query("facet", TEXTS, required=True), FILTER]}

ENTITY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["apiVersion", "kind", "metadata"],
                    "properties": {
                        "apiVersion": TEXT,
                        "kind": TEXT,
                        "metadata": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {
                                "name": TEXT,
                                "namespace": TEXT,
                                "annotations": {
                                    "type": "object",
                                    "additionalProperties": TEXT,
                                },
                            },
                        },
                        "spec": {"type": "object"},
                    },
                }
            }
        },
    }
}
