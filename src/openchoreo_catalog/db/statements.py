"""Statements that differ per dialect (upserts) and bulk execution that respects bind limits.

``insert_ignore`` and ``upsert`` build an ``INSERT`` that resolves a key conflict the way
each database spells it (``ON CONFLICT`` on SQLite and PostgreSQL, ``ON DUPLICATE KEY`` on
MySQL); execute them with a list of row dicts for an executemany. ``select_in`` /
``execute_in`` run a statement over a long list of keys in chunks small enough for the
dialect's bind-parameter limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Table
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable
from sqlalchemy.sql.dml import Insert

from openchoreo_catalog.db.limits import Dialect, chunk_size, chunked

T = TypeVar("T")


def insert_ignore(dialect: Dialect, table: Table, conflict_columns: Sequence[str]) -> Insert:
    """``INSERT`` that silently skips rows whose ``conflict_columns`` already exist."""
    if dialect == "mysql":
        stmt = mysql.insert(table)
        first = conflict_columns[0]
        return stmt.on_duplicate_key_update({first: stmt.inserted[first]})
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)


def upsert(
    dialect: Dialect,
    table: Table,
    conflict_columns: Sequence[str],
    update_columns: Sequence[str],
) -> Insert:
    """``INSERT`` that overwrites ``update_columns`` when ``conflict_columns`` already exist."""
    if not update_columns:
        return insert_ignore(dialect, table, conflict_columns)
    if dialect == "mysql":
        my = mysql.insert(table)
        return my.on_duplicate_key_update({c: my.inserted[c] for c in update_columns})
    if dialect == "postgresql":
        pg = postgresql.insert(table)
        return pg.on_conflict_do_update(
            index_elements=conflict_columns, set_={c: pg.excluded[c] for c in update_columns}
        )
    lite = sqlite.insert(table)
    return lite.on_conflict_do_update(
        index_elements=conflict_columns, set_={c: lite.excluded[c] for c in update_columns}
    )


async def select_in(
    conn: AsyncConnection,
    build: Callable[[Sequence[T]], Executable],
    keys: Sequence[T],
    *,
    bind_limit: int,
    params_per_key: int = 1,
) -> list[Any]:
    """Rows of ``build(chunk)`` for every chunk of ``keys`` (a SELECT with ``IN :chunk``)."""
    rows: list[Any] = []
    for part in chunked(keys, chunk_size(bind_limit, params_per_key)):
        rows.extend((await conn.execute(build(part))).all())
    return rows


async def execute_in(
    conn: AsyncConnection,
    build: Callable[[Sequence[T]], Executable],
    keys: Sequence[T],
    *,
    bind_limit: int,
    params_per_key: int = 1,
) -> int:
    """Run ``build(chunk)`` (an UPDATE/DELETE with ``IN :chunk``) per chunk; total rowcount."""
    total = 0
    for part in chunked(keys, chunk_size(bind_limit, params_per_key)):
        result = await conn.execute(build(part))
        total += max(0, getattr(result, "rowcount", 0) or 0)
    return total


async def execute_many(
    conn: AsyncConnection, stmt: Executable, rows: Iterable[dict[str, Any]], *, batch: int = 5_000
) -> None:
    """executemany ``stmt`` over ``rows`` in batches (bounded memory, bounded packets)."""
    pending: list[dict[str, Any]] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= batch:
            await conn.execute(stmt, pending)
            pending = []
    if pending:
        await conn.execute(stmt, pending)
