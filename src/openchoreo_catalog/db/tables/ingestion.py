"""The ingestion engine's tables: cycles, page marks, sweep bookkeeping, leases, burst log.

* ``ingestions`` — one row per cycle of a provider. The open cycle has
  ``completion_ticket = 'open'``; ``UNIQUE(provider_name, completion_ticket)`` makes a second
  open cycle of one provider impossible, whichever replica tries. Besides Backstage's columns
  it keeps the cycle's ``degraded`` flag (a degraded page must hold across bursts and crashes)
  and counters for operators (pages, entities seen/written/removed/invalid, removals
  rejected), all updated inside the page transaction, so they are exact.
* ``ingestion_marks`` — one row per committed page: the cursor *after* that page (JSON text),
  its sequence, whether it was the ``done`` page. ``UNIQUE(ingestion_id, sequence)``: a page
  can never be recorded twice.
* ``ingestion_entities`` — the sweep's bookkeeping, one row per ``(provider, ref)`` the
  provider has emitted and not removed ("active"); ``last_seen_ingestion`` says which cycle
  saw it last, so "seen in this cycle" is an equality and stale = active − seen is one
  indexed query. Key: (255 + 255) characters × 4 bytes fits MariaDB's 3072-byte index limit.
* ``ingestion_leases`` — one row per provider: which replica may tick it until when, and a
  fencing counter that every page transaction checks.
* ``ingestion_bursts`` — a log of bursts (who, when, how much, how it ended): the UI's
  progress figures and the multi-replica test's proof that bursts never overlapped.

Timestamps are epoch seconds (double precision): the engine's clock is injectable, the three
databases disagree about time zones and fractional seconds, and comparisons (lease expiry,
``next_action_at``) stay plain numbers. The API renders them as ISO 8601.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
)

from openchoreo_catalog.db.metadata import MYSQL_TABLE_OPTIONS, metadata
from openchoreo_catalog.db.types import BigId, LongText

NAME_MAX = 255
"""Longest provider name (and entity ref) the bookkeeping can hold."""

ingestions = Table(
    "ingestions",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("provider_name", String(NAME_MAX), nullable=False),
    Column("status", String(32), nullable=False),
    Column("next_action", String(32), nullable=False),
    Column("next_action_at", Double, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", LongText, nullable=True),
    Column("created_at", Double, nullable=False),
    Column("ingestion_completed_at", Double, nullable=True),
    Column("rest_completed_at", Double, nullable=True),
    Column("completion_ticket", String(36), nullable=False),
    Column("degraded", Boolean, nullable=False, default=False),
    Column("degraded_reason", LongText, nullable=True),
    Column("canceled", Boolean, nullable=False, default=False),
    Column("pages", Integer, nullable=False, default=0),
    Column("entities_seen", Integer, nullable=False, default=0),
    Column("entities_written", Integer, nullable=False, default=0),
    Column("entities_invalid", Integer, nullable=False, default=0),
    Column("entities_removed", Integer, nullable=False, default=0),
    Column("removals_rejected", Integer, nullable=False, default=0),
    UniqueConstraint("provider_name", "completion_ticket"),
    Index(None, "provider_name", "created_at"),
    **MYSQL_TABLE_OPTIONS,
)

marks = Table(
    "ingestion_marks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column(
        "ingestion_id",
        String(36),
        ForeignKey("ingestions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("cursor", LongText, nullable=True),
    Column("sequence", Integer, nullable=False),
    Column("done", Boolean, nullable=False, default=False),
    Column("entity_count", Integer, nullable=False, default=0),
    Column("created_at", Double, nullable=False),
    UniqueConstraint("ingestion_id", "sequence"),
    **MYSQL_TABLE_OPTIONS,
)

bookkeeping = Table(
    "ingestion_entities",
    metadata,
    Column("provider_name", String(NAME_MAX), nullable=False),
    Column("entity_ref", String(NAME_MAX), nullable=False),
    Column("last_seen_ingestion", String(36), nullable=True),
    PrimaryKeyConstraint("provider_name", "entity_ref"),
    Index(None, "provider_name", "last_seen_ingestion"),
    **MYSQL_TABLE_OPTIONS,
)

leases = Table(
    "ingestion_leases",
    metadata,
    Column("provider_name", String(NAME_MAX), primary_key=True),
    Column("holder", String(NAME_MAX), nullable=True),
    Column("expires_at", Double, nullable=False),
    Column("fencing", Integer, nullable=False, default=0),
    **MYSQL_TABLE_OPTIONS,
)

bursts = Table(
    "ingestion_bursts",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("provider_name", String(NAME_MAX), nullable=False),
    Column("ingestion_id", String(36), nullable=False),
    Column("holder", String(NAME_MAX), nullable=False),
    Column("started_at", Double, nullable=False),
    Column("ended_at", Double, nullable=True),
    Column("pages", Integer, nullable=False, default=0),
    Column("entities", Integer, nullable=False, default=0),
    Column("outcome", String(32), nullable=False),
    Index(None, "provider_name", "id"),
    **MYSQL_TABLE_OPTIONS,
)
