"""Creating the async SQLAlchemy engine with the settings each database needs.

* SQLite: WAL journal and ``synchronous=NORMAL`` for files (durable at checkpoints, much
  faster commits), a busy timeout, foreign keys on, a larger page cache and WAL checkpoint
  interval (fewer rewrites of the same pages during bulk loads). Transactions are begun by
  us: ``BEGIN IMMEDIATE`` for writers, so two writers queue on the lock instead of
  deadlocking when a reader upgrades ("database is locked"), plain ``BEGIN`` for readers.
  ``:memory:`` uses one shared connection (``StaticPool``), or every connection would see
  its own empty database.
* PostgreSQL (asyncpg) and MySQL/MariaDB (aiomysql): pre-ping pooled connections so a
  restarted server costs a retry, not an error; READ COMMITTED everywhere, so MySQL behaves
  like PostgreSQL (and takes fewer gap locks); PostgreSQL plans every execution with its
  parameter values (``plan_cache_mode=force_custom_plan``) instead of a generic plan,
  and without parallel workers (see :data:`POSTGRES_SESSION`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from openchoreo_catalog.db.limits import Dialect

WRITE_OPTION = "openchoreo_write"
"""Execution option marking a connection whose next transaction writes (SQLite: IMMEDIATE)."""


POSTGRES_SESSION = {
    # asyncpg prepares every statement, and after five runs PostgreSQL may switch to a
    # generic plan that ignores the parameter values; the catalog's best plans depend on
    # them (a selective key versus half the catalog), so always plan per execution.
    "plan_cache_mode": "force_custom_plan",
    # The catalog's queries are index lookups returning a page. PostgreSQL overestimates
    # some (a page's relations by target ref: ~8,000 rows expected, a few hundred found)
    # and starts parallel workers for them, which alone costs ~4 ms: a by-query page of
    # 100 at 1M entities took 10.5 ms with them and 5.5 ms without. Counting the whole
    # catalog takes 6-16% longer without them; the API caches its counts, and a sweep
    # counts once per cycle.
    "max_parallel_workers_per_gather": "0",
}
"""Settings of every PostgreSQL session the service opens."""


@dataclass(frozen=True)
class SqliteTuning:
    """Per-connection PRAGMAs for SQLite files: defaults for a service; benchmarks raise them."""

    busy_timeout_s: float = 30.0
    cache_size_kib: int = 65_536
    wal_autocheckpoint_pages: int = 10_000
    mmap_size_bytes: int = 0
    page_size_bytes: int = 4096
    """Applies when the database file is created (SQLite fixes it then)."""

    def pragmas(self, *, memory: bool) -> list[str]:
        """The statements every new connection runs (``memory``: an in-memory database)."""
        pragmas = [
            f"PRAGMA page_size={self.page_size_bytes}",
            "PRAGMA foreign_keys=ON",
            f"PRAGMA busy_timeout={int(self.busy_timeout_s * 1000)}",
            f"PRAGMA cache_size=-{self.cache_size_kib}",
            "PRAGMA temp_store=MEMORY",
        ]
        if not memory:
            pragmas += [
                "PRAGMA journal_mode=WAL",
                "PRAGMA synchronous=NORMAL",
                f"PRAGMA wal_autocheckpoint={self.wal_autocheckpoint_pages}",
            ]
            if self.mmap_size_bytes:
                pragmas.append(f"PRAGMA mmap_size={self.mmap_size_bytes}")
        return pragmas


def dialect_of(url: URL) -> Dialect:
    name = url.get_backend_name()
    if name == "sqlite":
        return "sqlite"
    if name in ("postgresql", "postgres"):
        return "postgresql"
    if name in ("mysql", "mariadb"):
        return "mysql"
    raise ValueError(f"unsupported database {name!r}: use sqlite, postgresql or mysql")


def is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def create_engine(
    url: URL, *, pool_size: int = 5, sqlite: SqliteTuning | None = None, echo: bool = False
) -> AsyncEngine:
    """An :class:`AsyncEngine` for ``url`` configured as described in this module."""
    dialect = dialect_of(url)
    if dialect == "sqlite":
        return _sqlite_engine(url, sqlite or SqliteTuning(), echo=echo)
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": pool_size,
        "max_overflow": pool_size,
        "pool_recycle": 1800,
        "echo": echo,
    }
    if dialect == "mysql":
        options["isolation_level"] = "READ COMMITTED"
        options["connect_args"] = {"charset": "utf8mb4"}
    if dialect == "postgresql":
        options["connect_args"] = {"server_settings": dict(POSTGRES_SESSION)}
    return create_async_engine(url, **options)


def _sqlite_engine(url: URL, tuning: SqliteTuning, *, echo: bool) -> AsyncEngine:
    memory = is_memory(url)
    options: dict[str, Any] = {
        "echo": echo,
        "connect_args": {"timeout": tuning.busy_timeout_s, "check_same_thread": False},
    }
    if memory:
        options["poolclass"] = StaticPool
    engine = create_async_engine(url, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see module doc)
        cursor = dbapi_connection.cursor()
        for pragma in tuning.pragmas(memory=memory):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine
