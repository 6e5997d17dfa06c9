"""Entity references: ``kind:namespace/name``, parsed and compared as Backstage does.

A ref's canonical string is lower-case (``component:payments/api-gateway``), which is what
Backstage's ``stringifyEntityRef`` produces, what relations carry as ``targetRef``, and what
makes refs compare case-insensitively. ``entity_uid`` derives the entity's public uid from
that string, so the same ref always gets the same uid — across replicas, restarts and
re-ingestion. The uid is an RFC 9562 version-8 UUID whose first six bytes hash
``kind:namespace`` and the rest the whole ref: entities of one namespace share a prefix, so
the uid index stays local while a namespace is ingested (a random uuid5 would touch a
different index page for every entity written).

``kind`` and ``namespace`` may be omitted in a ref string; they are then taken from
``default_kind`` and ``default_namespace`` (the namespace defaults to ``default``; a relation
in an entity's spec resolves relative refs in that entity's namespace).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

DEFAULT_NAMESPACE = "default"

UID_SALT = b"openchoreo-catalog/entity/"
"""Mixed into the uid hashes; changing it changes every uid, so it never changes."""


class InvalidRef(ValueError):
    """A string that is not an entity reference (or lacks a kind and no default was given)."""


@dataclass(frozen=True, slots=True)
class EntityRef:
    """A parsed reference; ``str()`` gives the canonical (lower-case) form."""

    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return stringify_ref(self.kind, self.namespace, self.name)


def parse_ref(
    ref: str,
    *,
    default_kind: str | None = None,
    default_namespace: str | None = None,
) -> EntityRef:
    """Parse ``[kind:][namespace/]name``; raise :class:`InvalidRef` when that is impossible."""
    if not isinstance(ref, str) or not ref:
        raise InvalidRef("an entity reference must be a non-empty string")
    colon = ref.find(":")
    slash = ref.find("/")
    if slash != -1 and slash < colon:
        colon = -1
    kind = ref[:colon] if colon != -1 else None
    namespace = ref[colon + 1 : slash] if slash != -1 else None
    name = ref[max(colon + 1, slash + 1) :]
    if kind == "" or namespace == "" or name == "":
        raise InvalidRef(f'entity reference "{_shorten(ref)}" is not [<kind>:][<namespace>/]<name>')
    kind = kind or default_kind
    if not kind:
        raise InvalidRef(
            f'entity reference "{_shorten(ref)}" has no kind (e.g. did not start with "component:")'
        )
    return EntityRef(kind, namespace or default_namespace or DEFAULT_NAMESPACE, name)


def stringify_ref(kind: str, namespace: str | None, name: str) -> str:
    """The canonical ref string: ``kind:namespace/name``, lower-case."""
    return f"{kind}:{namespace or DEFAULT_NAMESPACE}/{name}".lower()


def normalize_ref(
    ref: str | EntityRef,
    *,
    default_kind: str | None = None,
    default_namespace: str | None = None,
) -> str:
    """The canonical string of ``ref`` (parsed first when it is a string)."""
    if isinstance(ref, EntityRef):
        return str(ref)
    return str(parse_ref(ref, default_kind=default_kind, default_namespace=default_namespace))


def entity_ref(entity: Mapping[str, Any]) -> str:
    """The canonical ref of an entity dict (namespace ``default`` when absent)."""
    metadata = entity.get("metadata") or {}
    return stringify_ref(
        str(entity.get("kind", "")), metadata.get("namespace"), str(metadata.get("name", ""))
    )


def entity_uid(ref: str | EntityRef) -> str:
    """The stable uid of the entity with this (canonical) ref; see the module docstring."""
    key = str(ref) if isinstance(ref, EntityRef) else ref.lower()
    prefix = _group_hash(key.split("/", 1)[0])
    rest = hashlib.blake2b(UID_SALT + key.encode(), digest_size=10).hexdigest()
    # version 8 (custom) in the 13th hex digit, RFC 9562 variant (10xx) in the 17th
    variant = "89ab"[int(rest[4], 16) & 0x3]
    return f"{prefix[:8]}-{prefix[8:]}-8{rest[1:4]}-{variant}{rest[5:8]}-{rest[8:]}"


@lru_cache(maxsize=4_096)
def _group_hash(group: str) -> str:
    return hashlib.blake2b(UID_SALT + group.encode(), digest_size=6).hexdigest()


def _shorten(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
