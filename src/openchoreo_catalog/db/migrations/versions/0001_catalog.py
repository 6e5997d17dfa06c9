"""The catalog: entities, their search index and their relations.

Revision ID: 0001_catalog
Revises:
Create Date: 2025-11-25

Types are spelled out here rather than imported, so this revision keeps creating the same
schema whatever later code does to ``openchoreo_catalog.db.types``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = "0001_catalog"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}
LONG_TEXT = sa.Text().with_variant(mysql.LONGTEXT(), "mysql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
SEARCH_TEXT = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "catalog_entities",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(36), nullable=False),
        sa.Column("ref", sa.String(255), nullable=False),
        sa.Column("provider", sa.String(255), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("body", LONG_TEXT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_catalog_entities"),
        sa.UniqueConstraint("uid", name="uq_catalog_entities_uid"),
        sa.UniqueConstraint("ref", name="uq_catalog_entities_ref"),
        **MYSQL,
    )
    op.create_index(
        "ix_catalog_entities_provider_id", "catalog_entities", ["provider", "id"], unique=False
    )
    op.create_table(
        "catalog_search",
        sa.Column("key_hash", sa.BigInteger(), nullable=False),
        sa.Column("value", SEARCH_TEXT, nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("original_value", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("key_hash", "value", "entity_id", name="pk_catalog_search"),
        sqlite_with_rowid=False,
        **MYSQL,
    )
    op.create_table(
        "catalog_relations",
        sa.Column("source_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("target_ref", sa.String(255), nullable=False),
        sa.PrimaryKeyConstraint("source_id", "type", "target_ref", name="pk_catalog_relations"),
        sqlite_with_rowid=False,
        **MYSQL,
    )
    op.create_index(
        "ix_catalog_relations_target_ref_type_source_id",
        "catalog_relations",
        ["target_ref", "type", "source_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_catalog_relations_target_ref_type_source_id", table_name="catalog_relations")
    op.drop_table("catalog_relations")
    op.drop_table("catalog_search")
    op.drop_index("ix_catalog_entities_provider_id", table_name="catalog_entities")
    op.drop_table("catalog_entities")
