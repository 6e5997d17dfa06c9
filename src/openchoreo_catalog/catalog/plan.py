"""Preparing a whole mutation in memory: valid entities, rejections, removal refs.

Runs before the transaction (it is CPU only), and once: a retried transaction reuses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from openchoreo_catalog.catalog.mutations import Delta, Full, Mutation, Rejection
from openchoreo_catalog.catalog.prepare import PreparedEntity, prepare_entity
from openchoreo_catalog.catalog.refs import InvalidRef, normalize_ref
from openchoreo_catalog.catalog.validation import InvalidEntity


@dataclass
class Plan:
    full: bool
    prepared: list[PreparedEntity] = field(default_factory=list)
    """Valid entities, one per ref (the last occurrence wins)."""
    rejected: list[Rejection] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    """Canonical refs to remove (Delta)."""
    kept_refs: set[str] = field(default_factory=set)
    """Refs of rejected entities: a Full mutation leaves their stored version alone."""


def plan_mutation(mutation: Mutation) -> Plan:
    if isinstance(mutation, Full):
        plan = Plan(full=True)
        added = mutation.entities
    elif isinstance(mutation, Delta):
        plan = Plan(full=False)
        added = mutation.added
        for raw in mutation.removed:
            try:
                ref = normalize_ref(raw)
            except InvalidRef as error:
                plan.rejected.append(Rejection(_text(raw), f"removed: {error}"))
                continue
            plan.removed.append(ref)
    else:
        raise TypeError(f"expected Delta or Full, got {type(mutation).__name__}")
    by_ref: dict[str, PreparedEntity] = {}
    for index, entity in enumerate(added):
        try:
            prepared = prepare_entity(entity, index)
        except InvalidEntity as error:
            known = _best_effort_ref(entity)
            plan.rejected.append(Rejection(known, str(error), index))
            if known is not None:
                plan.kept_refs.add(known)
            continue
        by_ref.pop(prepared.ref, None)
        by_ref[prepared.ref] = prepared
    plan.prepared = list(by_ref.values())
    return plan


def _best_effort_ref(entity: object) -> str | None:
    """The ref of an invalid entity when its kind and name can at least be read."""
    if not isinstance(entity, Mapping):
        return None
    metadata: Any = entity.get("metadata")
    kind = entity.get("kind")
    if not isinstance(metadata, Mapping) or not isinstance(kind, str) or not kind:
        return None
    name = metadata.get("name")
    namespace = metadata.get("namespace") or "default"
    if not isinstance(name, str) or not name or not isinstance(namespace, str):
        return None
    return f"{kind}:{namespace}/{name}".lower()


def _text(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
