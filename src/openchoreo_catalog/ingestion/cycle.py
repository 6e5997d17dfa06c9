"""The outcome of a run-one-cycle-now (``ingest --once``, the benchmarks)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from openchoreo_catalog.ingestion.records import IngestionRecord


@dataclass(frozen=True, slots=True)
class CycleSummary:
    """Counters of the cycle (all its bursts, including any before this run resumed it)."""

    provider: str
    ingestion_id: str | None
    completed: bool
    """The cycle reached ``resting`` (its sweep ran, or was rejected by a safety limit)."""
    canceled: bool
    pages: int
    entities: int
    added: int
    """Entities written: inserted, or changed since the catalog's stored version."""
    removed: int
    invalid: int
    removals_rejected: int
    rejection: str | None
    """Why the removal was rejected, when it was (not a failure)."""
    degraded: bool
    duration: float
    error: str | None
    """Why the cycle did not complete (it backs off and resumes later)."""

    @classmethod
    def of(
        cls,
        provider: str,
        record: IngestionRecord | None,
        *,
        completed: bool,
        duration: float,
        error: str | None,
    ) -> CycleSummary:
        if record is None:
            return cls(provider, None, completed, False, 0, 0, 0, 0, 0, 0, None, False,
                       duration, error)  # fmt: skip
        rejected = record.removals_rejected
        return cls(
            provider=provider,
            ingestion_id=record.id,
            completed=completed,
            canceled=record.canceled,
            pages=record.pages,
            entities=record.entities_seen,
            added=record.entities_written,
            removed=record.entities_removed,
            invalid=record.entities_invalid,
            removals_rejected=rejected,
            rejection=record.last_error if completed and rejected else None,
            degraded=record.degraded,
            duration=duration,
            error=error,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
