"""What a provider asks the store to do, and what the store reports back.

* :class:`Delta` — add (or update) these entities, remove these refs. Removal only ever
  touches the provider's own entities; refs it does not own, or that do not exist, are
  left alone (so replaying a delta is harmless). Removals apply before additions, so a ref
  both removed and added in one delta ends up present.
* :class:`Full` — the provider's complete set: afterwards it owns exactly these entities.
  An entity rejected as invalid keeps its previous stored version rather than vanishing.

:class:`MutationResult` counts what happened and lists rejected entities with the reason
(an invalid field, or a ref that another provider owns), and the refs accepted and removed,
which the ingestion engine records in its bookkeeping.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Delta:
    added: Sequence[Mapping[str, Any]] = ()
    removed: Sequence[str] = ()


@dataclass(frozen=True)
class Full:
    entities: Sequence[Mapping[str, Any]] = ()


Mutation = Delta | Full


@dataclass(frozen=True)
class Rejection:
    """One entity (``index`` into the added list) or removal ref that was not applied."""

    ref: str | None
    reason: str
    index: int | None = None


@dataclass
class MutationResult:
    written: int = 0
    """Entities inserted or rewritten (their content changed)."""
    unchanged: int = 0
    """Entities whose content hash matched the stored one: not rewritten."""
    removed: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    accepted_refs: list[str] = field(default_factory=list)
    """Canonical refs of the written and unchanged entities."""
    removed_refs: list[str] = field(default_factory=list)
