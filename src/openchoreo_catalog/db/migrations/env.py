"""Alembic environment: runs on the connection ``openchoreo_catalog.db.migrate`` passes in.

There is no URL here on purpose: migrations run through ``openchoreo-catalog db upgrade``
or at service start-up, which resolve the database from the service configuration and hold
the cross-replica migration lock. ``alembic revision`` (no database needed) works with the
``alembic.ini`` beside this package.
"""

from __future__ import annotations

from alembic import context

from openchoreo_catalog.db.migrate import VERSION_TABLE
from openchoreo_catalog.db.tables import metadata

config = context.config
connection = config.attributes.get("connection")

if context.is_offline_mode() or connection is None:
    raise SystemExit("run migrations with `openchoreo-catalog db upgrade --config app-config.yaml`")

sqlite = connection.dialect.name == "sqlite"
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    compare_type=True,
    render_as_batch=sqlite,
    # Alembic assumes SQLite cannot roll DDL back and then commits after every revision,
    # which lets a second replica take the lock between two revisions, see the first one
    # applied and run the second concurrently ("table ... already exists"). Our SQLite
    # connections begin their own transactions (BEGIN IMMEDIATE), in which DDL is
    # transactional: one transaction for the whole upgrade keeps replicas serialized.
    transactional_ddl=True if sqlite else None,
)
with context.begin_transaction():
    context.run_migrations()
