"""The ingestion engine's state: cycles, page marks, sweep bookkeeping, leases, burst log.

Revision ID: 0002_ingestion
Revises: 0001_catalog
Create Date: 2026-11-25

Types are spelled out here rather than imported (see 0001_catalog).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0002_ingestion"
down_revision: str | None = "0001_catalog"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}
LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ingestions",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("provider_name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("next_action", sa.String(32), nullable=False),
        sa.Column("next_action_at", sa.Double(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", LONG_TEXT, nullable=True),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.Column("ingestion_completed_at", sa.Double(), nullable=True),
        sa.Column("rest_completed_at", sa.Double(), nullable=True),
        sa.Column("completion_ticket", sa.String(36), nullable=False),
        sa.Column("degraded", sa.Boolean(), nullable=False),
        sa.Column("degraded_reason", LONG_TEXT, nullable=True),
        sa.Column("canceled", sa.Boolean(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("entities_seen", sa.Integer(), nullable=False),
        sa.Column("entities_written", sa.Integer(), nullable=False),
        sa.Column("entities_invalid", sa.Integer(), nullable=False),
        sa.Column("entities_removed", sa.Integer(), nullable=False),
        sa.Column("removals_rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ingestions"),
        sa.UniqueConstraint(
            "provider_name",
            "completion_ticket",
            name="uq_ingestions_provider_name_completion_ticket",
        ),
        **MYSQL,
    )
    op.create_index(
        "ix_ingestions_provider_name_created_at",
        "ingestions",
        ["provider_name", "created_at"],
        unique=False,
    )
    op.create_table(
        "ingestion_marks",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("ingestion_id", sa.String(36), nullable=False),
        sa.Column("cursor", LONG_TEXT, nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("entity_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ingestion_id"],
            ["ingestions.id"],
            name="fk_ingestion_marks_ingestion_id_ingestions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ingestion_marks"),
        sa.UniqueConstraint(
            "ingestion_id", "sequence", name="uq_ingestion_marks_ingestion_id_sequence"
        ),
        **MYSQL,
    )
    op.create_table(
        "ingestion_entities",
        sa.Column("provider_name", sa.String(255), nullable=False),
        sa.Column("entity_ref", sa.String(255), nullable=False),
        sa.Column("last_seen_ingestion", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("provider_name", "entity_ref", name="pk_ingestion_entities"),
        **MYSQL,
    )
    op.create_index(
        "ix_ingestion_entities_provider_name_last_seen_ingestion",
        "ingestion_entities",
        ["provider_name", "last_seen_ingestion"],
        unique=False,
    )
    op.create_table(
        "ingestion_leases",
        sa.Column("provider_name", sa.String(255), nullable=False),
        sa.Column("holder", sa.String(255), nullable=True),
        sa.Column("expires_at", sa.Double(), nullable=False),
        sa.Column("fencing", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("provider_name", name="pk_ingestion_leases"),
        **MYSQL,
    )
    op.create_table(
        "ingestion_bursts",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("provider_name", sa.String(255), nullable=False),
        sa.Column("ingestion_id", sa.String(36), nullable=False),
        sa.Column("holder", sa.String(255), nullable=False),
        sa.Column("started_at", sa.Double(), nullable=False),
        sa.Column("ended_at", sa.Double(), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("entities", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ingestion_bursts"),
        **MYSQL,
    )
    op.create_index(
        "ix_ingestion_bursts_provider_name_id",
        "ingestion_bursts",
        ["provider_name", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_ingestion_bursts_provider_name_id", table_name="ingestion_bursts")
    op.drop_table("ingestion_bursts")
    op.drop_table("ingestion_leases")
    op.drop_index(
        "ix_ingestion_entities_provider_name_last_seen_ingestion", table_name="ingestion_entities"
    )
    op.drop_table("ingestion_entities")
    op.drop_table("ingestion_marks")
    op.drop_index("ix_ingestions_provider_name_created_at", table_name="ingestions")
    op.drop_table("ingestions")
