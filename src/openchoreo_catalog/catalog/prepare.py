"""Turning an incoming entity into everything the store writes, before any SQL runs.

Validation, relation derivation, the content hash and the search rows are pure CPU work; doing
them up front keeps transactions short and lets an invalid entity be rejected alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from openchoreo_catalog.catalog.refs import entity_ref, entity_uid
from openchoreo_catalog.catalog.relations import Relation, derive_relations
from openchoreo_catalog.catalog.search import SearchRow, search_rows
from openchoreo_catalog.catalog.validation import InvalidEntity, nul_path, validate_entity


@dataclass(slots=True)
class PreparedEntity:
    """An entity ready to store: its identity, served body, hash and index rows."""

    index: int
    ref: str
    uid: str
    hash: str
    body: str
    search: list[SearchRow]
    relations: list[Relation]


def content_hash(entity: Mapping[str, Any]) -> str:
    """A stable hash of the entity's content (key order does not matter); also its etag."""
    canonical = orjson.dumps(entity, option=orjson.OPT_SORT_KEYS)
    return hashlib.blake2b(canonical, digest_size=20).hexdigest()


def prepare_entity(entity: object, index: int = 0) -> PreparedEntity:
    """Validate and prepare one entity; raise :class:`InvalidEntity` when it breaks a rule."""
    cleaned = validate_entity(entity)
    rows = search_rows(cleaned)  # also rejects values that are not JSON
    relations = derive_relations(cleaned)
    try:
        etag = content_hash(cleaned)
    except (TypeError, orjson.JSONEncodeError) as error:
        raise InvalidEntity("entity", f"cannot be encoded as JSON ({error})") from None
    ref = entity_ref(cleaned)
    uid = entity_uid(ref)
    metadata = cleaned["metadata"]
    metadata["uid"] = uid
    metadata["etag"] = etag
    body = orjson.dumps(cleaned).decode()
    if "\\u0000" in body:  # cheap test first: orjson writes a NUL as \u0000
        where = nul_path(cleaned)
        if where is not None:
            raise InvalidEntity(where, "must not contain NUL characters (\\u0000)")
    return PreparedEntity(index, ref, uid, etag, body, rows, relations)
