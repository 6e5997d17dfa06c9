"""The SQL layer: one database for the catalog and the ingestion state.

* :class:`Database` — engine, transactions (``transaction()``, ``read()``), retried units of
  work (``run()``), migrations (``migrate()``).
* :mod:`~openchoreo_catalog.db.tables` — every table on the shared :data:`metadata`.
* :mod:`~openchoreo_catalog.db.statements` — per-dialect upserts, bind-limit chunking.
* :class:`DatabaseError` and friends — what callers catch.
"""

from openchoreo_catalog.db.database import Database
from openchoreo_catalog.db.engine import SqliteTuning
from openchoreo_catalog.db.errors import (
    DatabaseError,
    MigrationError,
    TransientDatabaseError,
    is_transient,
)
from openchoreo_catalog.db.limits import Dialect, chunk_size, chunked, max_binds
from openchoreo_catalog.db.metadata import MYSQL_TABLE_OPTIONS, metadata
from openchoreo_catalog.db.retry import NO_RETRY, RetryPolicy
from openchoreo_catalog.db.statements import (
    execute_in,
    execute_many,
    insert_ignore,
    select_in,
    upsert,
)
from openchoreo_catalog.db.types import BigId, LongText

__all__ = [
    "MYSQL_TABLE_OPTIONS",
    "NO_RETRY",
    "BigId",
    "Database",
    "DatabaseError",
    "Dialect",
    "LongText",
    "MigrationError",
    "RetryPolicy",
    "SqliteTuning",
    "TransientDatabaseError",
    "chunk_size",
    "chunked",
    "execute_in",
    "execute_many",
    "insert_ignore",
    "is_transient",
    "max_binds",
    "metadata",
    "select_in",
    "upsert",
]
