"""``Database``: one SQL database shared by the catalog store and the ingestion engine.

Two ways to work in a transaction:

* ``async with db.transaction() as conn:`` — commit on success, roll back on error; for a
  caller that composes several writes itself (the engine writes its page mark, bookkeeping
  and the catalog mutation in one such transaction).
* ``await db.run(fn, operation="…")`` — ``fn(conn)`` in a transaction, the *whole* unit
  retried on transient failures (deadlock, serialization failure, lost connection, "database
  is locked") with backoff. ``fn`` must therefore be safe to run again from the start.

Failures surface as :class:`DatabaseError` naming the operation, never as driver exceptions.
On SQLite, writers in this process queue on an asyncio lock (one writer at a time is all
SQLite allows; queueing here is cheaper than spinning on the file lock), and a ``:memory:``
database, having a single connection, is used by one transaction at a time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from openchoreo_catalog.config.database_url import database_url, redacted
from openchoreo_catalog.db.engine import (
    WRITE_OPTION,
    SqliteTuning,
    create_engine,
    dialect_of,
    is_memory,
)
from openchoreo_catalog.db.errors import (
    DatabaseError,
    TransientDatabaseError,
    describe,
    is_transient,
    wrap,
)
from openchoreo_catalog.db.limits import Dialect, max_binds
from openchoreo_catalog.db.retry import RetryPolicy

if TYPE_CHECKING:
    from openchoreo_catalog.config import DatabaseSettings

T = TypeVar("T")
logger = logging.getLogger(__name__)

_DRIVER_ERRORS = (sa_exc.SQLAlchemyError, OSError)


class Database:
    """An async engine plus the transaction, retry and migration rules of this service."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        retry: RetryPolicy | None = None,
        memory: bool = False,
    ) -> None:
        self.engine = engine
        self.dialect: Dialect = dialect_of(engine.url)
        self.retry = retry or RetryPolicy()
        self.bind_limit = max_binds(self.dialect)
        self._memory = memory
        self.generation = 0
        """Bumped after every committed write transaction of this instance (cache keys)."""
        self._write_lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_url(
        cls,
        url: str | URL,
        *,
        retry: RetryPolicy | None = None,
        pool_size: int = 5,
        sqlite: SqliteTuning | None = None,
    ) -> Database:
        """A database for a SQLAlchemy URL (async drivers: aiosqlite, asyncpg, aiomysql)."""
        parsed = make_url(url) if isinstance(url, str) else url
        engine = create_engine(parsed, pool_size=pool_size, sqlite=sqlite)
        return cls(engine, retry=retry, memory=is_memory(parsed))

    @classmethod
    def from_settings(
        cls, settings: DatabaseSettings, *, cwd: Path | None = None, **options: object
    ) -> Database:
        """A database for ``backend.database`` (see :func:`config.database_url`)."""
        return cls.from_url(database_url(settings, cwd=cwd), **options)  # type: ignore[arg-type]

    @property
    def display_url(self) -> str:
        """The URL with its password masked, safe for logs and messages."""
        return redacted(self.engine.url)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    @asynccontextmanager
    async def transaction(
        self, *, operation: str = "database transaction"
    ) -> AsyncIterator[AsyncConnection]:
        """A connection in a write transaction: committed on success, rolled back on error."""
        async with self._writer():
            try:
                async with self.engine.connect() as conn:
                    if self.dialect == "sqlite":
                        await conn.execution_options(**{WRITE_OPTION: True})
                    async with conn.begin():
                        yield conn
                self.generation += 1
            except _DRIVER_ERRORS as error:
                raise wrap(operation, error) from error

    @asynccontextmanager
    async def read(self, *, operation: str = "database read") -> AsyncIterator[AsyncConnection]:
        """A connection in a read transaction (one consistent snapshot on SQLite and MySQL)."""
        async with self._reader():
            try:
                async with self.engine.connect() as conn, conn.begin():
                    yield conn
            except _DRIVER_ERRORS as error:
                raise wrap(operation, error) from error

    async def run(
        self,
        fn: Callable[[AsyncConnection], Awaitable[T]],
        *,
        operation: str,
        readonly: bool = False,
    ) -> T:
        """``fn(conn)`` in a transaction, retried whole on transient failures."""
        attempt = 0
        while True:
            attempt += 1
            try:
                scope = self.read if readonly else self.transaction
                async with scope(operation=operation) as conn:
                    return await fn(conn)
            except (DatabaseError, *_DRIVER_ERRORS) as error:
                if not is_transient(error):
                    raise wrap(operation, error) from error
                if attempt >= self.retry.attempts:
                    detail = error.detail if isinstance(error, DatabaseError) else describe(error)
                    raise TransientDatabaseError(operation, detail, attempts=attempt) from error
                delay = self.retry.delay(attempt)
                logger.warning(
                    "transient database failure, retrying",
                    extra={"operation": operation, "attempt": attempt, "error": describe(error)},
                )
                await asyncio.sleep(delay)

    async def ping(self) -> None:
        """Raise :class:`DatabaseError` unless the database answers a trivial query."""
        async with self.read(operation="check the database") as conn:
            await conn.execute(text("SELECT 1"))

    async def migrate(self) -> str | None:
        """Bring the schema to the newest revision and return it.

        Safe when replicas start together; retried while the server is not reachable yet.
        """
        from openchoreo_catalog.db.migrate import upgrade

        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._writer():
                    return await upgrade(self.engine, self.dialect)
            except DatabaseError as error:
                if not error.transient or attempt >= self.retry.attempts:
                    raise
                await asyncio.sleep(self.retry.delay(attempt))

    # -- SQLite concurrency ------------------------------------------------------------------

    def _lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._write_lock is None or self._lock_loop is not loop:
            self._write_lock = asyncio.Lock()
            self._lock_loop = loop
        return self._write_lock

    @asynccontextmanager
    async def _writer(self) -> AsyncIterator[None]:
        if self.dialect != "sqlite":
            yield
            return
        async with self._lock():
            yield

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[None]:
        if not self._memory:
            yield
            return
        async with self._lock():
            yield
