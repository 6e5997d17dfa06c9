"""Entity references as Backstage writes them: ``kind:namespace/name``, lower-cased.

Backstage compares references case-insensitively and ``stringifyEntityRef`` lower-cases
them; the provider produces refs only for event deltas' removals and for tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def ref(kind: str, namespace: str, name: str) -> str:
    return f"{kind}:{namespace}/{name}".lower()


def entity_ref(entity: Mapping[str, Any]) -> str:
    metadata = entity["metadata"]
    return ref(str(entity["kind"]), str(metadata.get("namespace") or "default"), metadata["name"])
