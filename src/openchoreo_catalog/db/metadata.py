"""The one ``MetaData`` every table module registers with, and its naming convention.

Constraint and index names follow the convention below, so migrations written by hand and
the tables declared here agree on names on every dialect (tests compare the two).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)
"""Shared by the catalog tables and the ingestion engine's tables."""

MYSQL_TABLE_OPTIONS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
    "mysql_collate": "utf8mb4_bin",
}
"""Pass to every ``Table``: binary collation makes comparisons and ordering byte-wise, as on
SQLite and PostgreSQL (the server default ``utf8mb4_general_ci`` would fold case and accents)."""
