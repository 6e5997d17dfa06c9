"""Flattening an entity into lower-cased ``(key, value)`` search rows, as Backstage does.

Every leaf becomes a row keyed by its dotted path (``spec.type``,
``metadata.annotations.openchoreo.io/project``), keys and values lower-cased, values longer
than 200 characters (and JSON nulls) kept as "key present, no value". Backstage also adds,
for each string item of an array, a synthetic row ``<path>.<item> = true``
(``metadata.tags.java``); we store array string items under ``<path>[]`` instead and answer
those synthetic keys at query time, which keeps the same filter semantics with fewer rows.
Every other value reached through an array is stored under ``<path>[*]``, so a bare key is
known to have at most one value per entity (which lets a sort by it scan the index).

The stored form is compact: keys are 64-bit hashes (queries always know the key they ask
for), a missing value is :data:`NULL_VALUE`, and the original spelling is kept only where it
differs from the lower-cased value (facets report original values, as Backstage does).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from openchoreo_catalog.catalog.validation import InvalidEntity
from openchoreo_catalog.db.tables.catalog import SEARCH_VALUE_MAX

NULL_VALUE = "\x01"
"""Stored for a key whose value is null or too long: a primary key column cannot be NULL."""
ITEM_SUFFIX = "[]"
"""Appended to the key of string items of arrays."""
NESTED_SUFFIX = "[*]"
"""Appended to the key of every other value reached through an array (it may repeat)."""
MAX_KEY_LENGTH = 200

SPECIAL_KEYS = frozenset(
    {
        "attachments",
        "relations",
        "status",
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
        "metadata.etag",
    }
)

SearchPair = tuple[str, str | None, str | None]
"""``(key, value, original)``: lower-cased key and value (None when absent), and the original
text when it differs from the lower-cased value (None otherwise)."""
SearchRow = tuple[int, str, str | None]
"""``(key_hash, value or NULL_VALUE, original when it differs from value)``."""


@lru_cache(maxsize=65_536)
def key_hash(key: str) -> int:
    """A signed 64-bit hash of a lower-cased search key (collisions are 2**-64 unlikely)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def search_pairs(entity: Mapping[str, Any]) -> list[SearchPair]:
    """The readable search rows of ``entity`` (de-duplicated on key and value).

    Raises :class:`InvalidEntity` for content that is not JSON (non-string keys, NaN,
    other Python objects) or has keys that differ only in case, as Backstage does.
    """
    pairs: list[SearchPair] = []
    _walk(entity, "", pairs, set())
    metadata = entity.get("metadata") or {}
    _add(pairs, set(), "metadata.name", _text(metadata.get("name")))
    _add(pairs, set(), "metadata.namespace", _text(metadata.get("namespace") or "default"))
    return pairs


def search_rows(entity: Mapping[str, Any]) -> list[SearchRow]:
    """The stored search rows of ``entity`` (hash the key, sentinel for no value)."""
    return [
        (key_hash(key), NULL_VALUE if value is None else value, original)
        for key, value, original in search_pairs(entity)
    ]


_Child = tuple[str, bool, bool]
_CHILDREN: dict[tuple[str, str], _Child] = {}
_CHILDREN_MAX = 100_000


def _child(parent: str, key: str) -> _Child:
    """``(lower-cased child path, skipped?, key was lower-case already?)``, cached."""
    entry = _CHILDREN.get((parent, key))
    if entry is None:
        lowered = key.lower()
        path = f"{parent}.{lowered}" if parent else lowered
        entry = (path, path in SPECIAL_KEYS or len(path) > MAX_KEY_LENGTH, lowered == key)
        if len(_CHILDREN) < _CHILDREN_MAX:
            _CHILDREN[(parent, key)] = entry
    return entry


def _walk(
    node: Mapping[str, Any],
    parent: str,
    pairs: list[SearchPair],
    seen: set[Any],
    in_array: bool = False,
) -> None:
    """Append the leaves under ``node``; only leaves under arrays can repeat (``seen``)."""
    mixed_case = False
    for key, value in node.items():
        if type(key) is not str:
            raise InvalidEntity(parent or "entity", "object keys must be strings")
        path, skip, lower = _child(parent, key)
        mixed_case = mixed_case or not lower
        if skip:
            continue
        kind = type(value)
        if kind is str and not in_array:
            low = value.lower()
            if len(low) > SEARCH_VALUE_MAX:
                pairs.append((path, None, None))
            else:
                pairs.append((path, low, value if value != low else None))
        elif kind is str:
            _add(pairs, seen, path + NESTED_SUFFIX, value)
        elif kind is dict or isinstance(value, Mapping):
            _walk(value, path, pairs, seen, in_array)
        elif kind is list:
            _items(value, path, pairs, seen)
        elif in_array:
            _add(pairs, seen, path + NESTED_SUFFIX, _scalar(value, path))
        else:
            text = _scalar(value, path)
            low = text.lower() if text is not None else None
            pairs.append((path, low, text if text != low else None))
    if mixed_case and len({key.lower() for key in node}) != len(node):
        _reject_case_duplicates(node, parent)


def _items(items: list[Any], path: str, pairs: list[SearchPair], seen: set[Any]) -> None:
    item_key = path + ITEM_SUFFIX
    for item in items:
        kind = type(item)
        if kind is str:
            _add(pairs, seen, item_key, item)
        elif kind is dict or isinstance(item, Mapping):
            _walk(item, path, pairs, seen, in_array=True)
        elif kind is list:
            _items(item, path, pairs, seen)
        else:
            _add(pairs, seen, path + NESTED_SUFFIX, _scalar(item, path))


def _add(pairs: list[SearchPair], seen: set[Any], key: str, text: str | None) -> None:
    if text is None:
        lowered = original = None
    else:
        lowered = text.lower()
        if len(lowered) > SEARCH_VALUE_MAX:
            lowered = original = None
        else:
            original = text if text != lowered else None
    marker = (key, lowered)
    if marker not in seen:
        seen.add(marker)
        pairs.append((key, lowered, original))


def _scalar(value: object, path: str) -> str | None:
    if value is None or isinstance(value, bool | int):
        return _text(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidEntity(path, "must be a finite number")
        return _text(value)
    raise InvalidEntity(path, f"{type(value).__name__} is not a JSON value")


def _reject_case_duplicates(node: Mapping[Any, Any], parent: str) -> None:
    seen: set[str] = set()
    for key in node:
        low = str(key).lower()
        if low in seen:
            raise InvalidEntity(
                f"{parent}.{key}" if parent else str(key),
                "duplicate key that varies only in casing",
            )
        seen.add(low)


def _text(value: object) -> str | None:
    """JavaScript's ``String(value)`` for JSON scalars (what Backstage indexes)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    return str(value)
