"""The catalog's tables: entities, their flattened search index, and their relations.

* ``catalog_entities``: one row per entity; ``id`` is a compact surrogate (insertion order,
  the default ordering and keyset of the API), ``ref`` the canonical lower-case ref (at most
  191 characters by the naming rules), ``uid`` the stable public id derived from it, ``body``
  the entity as served minus ``relations``.
* ``catalog_search``: lower-cased ``(key, value)`` pairs per entity, as Backstage's ``search``
  table. The key is stored as a 64-bit hash (every query knows the key it asks for), NULL
  values as a sentinel (so the row fits a primary key). The primary key *is* the index,
  ``(key_hash, value, entity_id)``: a filter is one range, a sort by a field one ordered
  scan, and on SQLite (``WITHOUT ROWID``) each row is one b-tree entry, not two.
* ``catalog_relations``: relations an entity's own spec declares (``ownedBy``, ``partOf``...);
  the inverse ones (``ownerOf``...) are read through the ``target_ref`` index. Refs, not
  uids, key it: filters compare the ref text (as Backstage does), and refs of one namespace
  sort together, so writes stay local.

Rows in the search and relation tables are deleted by the store in the same transaction as
their entity (no foreign keys: they would cost a lookup per inserted row).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, PrimaryKeyConstraint, String, Table

from openchoreo_catalog.db.metadata import MYSQL_TABLE_OPTIONS, metadata
from openchoreo_catalog.db.types import BigId, LongText

SEARCH_VALUE_MAX = 200
"""Longer search values are stored as NULL (Backstage's rule), longer keys not at all."""

SEARCH_TEXT = String(SEARCH_VALUE_MAX).with_variant(
    String(SEARCH_VALUE_MAX, collation="C"), "postgresql"
)
"""Byte-wise ordering on PostgreSQL too (as SQLite and the binary MySQL collation), whatever
the database's locale: the same order everywhere, and cheaper comparisons."""

entities = Table(
    "catalog_entities",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("uid", String(36), nullable=False, unique=True),
    Column("ref", String(255), nullable=False, unique=True),
    Column("provider", String(255), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("body", LongText, nullable=False),
    Index(None, "provider", "id"),
    **MYSQL_TABLE_OPTIONS,
)

search = Table(
    "catalog_search",
    metadata,
    Column("key_hash", BigInteger, nullable=False),
    Column("value", SEARCH_TEXT, nullable=False),
    Column("entity_id", BigInteger, nullable=False),
    Column("original_value", String(SEARCH_VALUE_MAX), nullable=True),
    PrimaryKeyConstraint("key_hash", "value", "entity_id"),
    sqlite_with_rowid=False,
    **MYSQL_TABLE_OPTIONS,
)

relations = Table(
    "catalog_relations",
    metadata,
    Column("source_id", BigInteger, nullable=False),
    Column("type", String(64), nullable=False),
    Column("target_ref", String(255), nullable=False),
    PrimaryKeyConstraint("source_id", "type", "target_ref"),
    Index(None, "target_ref", "type", "source_id"),
    sqlite_with_rowid=False,
    **MYSQL_TABLE_OPTIONS,
)
