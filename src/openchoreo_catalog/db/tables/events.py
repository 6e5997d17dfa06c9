"""The event inbox: events accepted over HTTP and not yet applied to the catalog.

``POST /api/events/http/{topic}`` answers 202 only once the event is a row here, so an
accepted event survives a crash, a restart or a deploy; the drainer deletes a row only after
the provider's delta for it has committed. Rows are processed in ``id`` order (arrival order
across every replica sharing the database). ``available_at`` delays a row after a failed
attempt (backoff); ``attempts`` and ``last_error`` say what went wrong, for operators.
"""

from __future__ import annotations

from sqlalchemy import Column, Double, Index, Integer, String, Table

from openchoreo_catalog.db.metadata import MYSQL_TABLE_OPTIONS, metadata
from openchoreo_catalog.db.types import BigId, LongText

TOPIC_MAX = 255

event_inbox = Table(
    "event_inbox",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("topic", String(TOPIC_MAX), nullable=False),
    Column("payload", LongText, nullable=False),
    Column("received_at", Double, nullable=False),
    Column("available_at", Double, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", LongText, nullable=True),
    Index(None, "available_at"),
    **MYSQL_TABLE_OPTIONS,
)
