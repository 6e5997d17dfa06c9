"""The event inbox: events accepted over HTTP, kept until their delta has committed.

Revision ID: 0003_event_inbox
Revises: 0002_ingestion
Create Date: 2026-11-25

Types are spelled out here rather than imported (see 0001_catalog).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0003_event_inbox"
down_revision: str | None = "0002_ingestion"
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
        "event_inbox",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("topic", sa.String(255), nullable=False),
        sa.Column("payload", LONG_TEXT, nullable=False),
        sa.Column("received_at", sa.Double(), nullable=False),
        sa.Column("available_at", sa.Double(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", LONG_TEXT, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_event_inbox"),
        **MYSQL,
    )
    op.create_index("ix_event_inbox_available_at", "event_inbox", ["available_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_event_inbox_available_at", table_name="event_inbox")
    op.drop_table("event_inbox")
