"""Plain records read from the engine's tables."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from openchoreo_catalog.ingestion.protocol import JsonValue


@dataclass(frozen=True, slots=True)
class IngestionRecord:
    """One row of ``ingestions``: a cycle of a provider."""

    id: str
    provider_name: str
    status: str
    next_action: str
    next_action_at: float
    attempts: int
    last_error: str | None
    created_at: float
    ingestion_completed_at: float | None
    rest_completed_at: float | None
    completion_ticket: str
    degraded: bool
    degraded_reason: str | None
    canceled: bool
    pages: int
    entities_seen: int
    entities_written: int
    entities_invalid: int
    entities_removed: int
    removals_rejected: int

    @classmethod
    def from_row(cls, row: Any) -> IngestionRecord:
        m = row._mapping
        return cls(
            id=m["id"],
            provider_name=m["provider_name"],
            status=m["status"],
            next_action=m["next_action"],
            next_action_at=float(m["next_action_at"]),
            attempts=int(m["attempts"]),
            last_error=m["last_error"],
            created_at=float(m["created_at"]),
            ingestion_completed_at=_float(m["ingestion_completed_at"]),
            rest_completed_at=_float(m["rest_completed_at"]),
            completion_ticket=m["completion_ticket"],
            degraded=bool(m["degraded"]),
            degraded_reason=m["degraded_reason"],
            canceled=bool(m["canceled"]),
            pages=int(m["pages"]),
            entities_seen=int(m["entities_seen"]),
            entities_written=int(m["entities_written"]),
            entities_invalid=int(m["entities_invalid"]),
            entities_removed=int(m["entities_removed"]),
            removals_rejected=int(m["removals_rejected"]),
        )


@dataclass(frozen=True, slots=True)
class Mark:
    """One committed page: the cursor after it, its sequence, whether it ended the source."""

    id: str
    ingestion_id: str
    cursor: JsonValue
    sequence: int
    done: bool
    entity_count: int
    created_at: float

    @classmethod
    def from_row(cls, row: Any) -> Mark:
        m = row._mapping
        return cls(
            id=m["id"],
            ingestion_id=m["ingestion_id"],
            cursor=decode_cursor(m["cursor"]),
            sequence=int(m["sequence"]),
            done=bool(m["done"]),
            entity_count=int(m["entity_count"]),
            created_at=float(m["created_at"]),
        )


def encode_cursor(cursor: JsonValue) -> str:
    """Cursors are stored as JSON text on every database (no JSON column quirks)."""
    return orjson.dumps(cursor).decode()


def decode_cursor(text: str | None) -> JsonValue:
    if text is None:
        return None
    value: JsonValue = orjson.loads(text)
    return value


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
