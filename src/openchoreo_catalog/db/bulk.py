"""Inserting, upserting and deleting many rows given as tuples, the fastest way each driver
allows.

SQLAlchemy's executemany turns every row dict into parameters in Python, which costs more
than the insert itself at a catalog page's ~10,000 search rows. Here rows are plain tuples:
SQLite and PostgreSQL get multi-row ``VALUES`` statements sized to the bind-parameter limit
(one parse per few hundred rows), MySQL an executemany that aiomysql already rewrites into
multi-row statements.

Upserts (``update_on_conflict``) go the same way: a multi-row upsert costs SQLite about two
thirds of the CPU of the executemany (2.1 against 3.2 µs per row, measured), before
SQLAlchemy's per-row parameter handling, and it steps once per statement rather than once
per row (Python's ``sqlite3`` releases and retakes the GIL around every step).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.db.limits import Dialect, chunk_size

MAX_ROWS_PER_STATEMENT = 500
ROW_QUANTUM = 64
"""Multi-row statements carry a multiple of this many rows (or the maximum); fewer go as a
single-row executemany. See :func:`statement_sizes`."""


def statement_sizes(rows: int, per_statement: int) -> list[int]:
    """Row counts of the multi-row statements that carry ``rows`` rows; the rest (fewer than
    :data:`ROW_QUANTUM`) is left for one single-row executemany.

    Every distinct row count is another statement the driver prepares and caches per
    connection (Python's ``sqlite3`` keeps 128, asyncpg 100), and a prepared 500-row insert
    is large: with one shape per possible remainder those caches filled with them as pages of
    every size came by (~10 MiB more peak RSS in a 100,000-entity cycle, measured). Rounded
    down to the quantum there are at most ``per_statement // 64 + 2`` shapes per table.
    """
    sizes = [per_statement] * (rows // per_statement)
    aligned = rows % per_statement // ROW_QUANTUM * ROW_QUANTUM
    if aligned:
        sizes.append(aligned)
    return sizes


class BulkInsert:
    """``INSERT INTO table (columns) VALUES …``, optionally skipping rows whose key exists."""

    def __init__(
        self,
        table: Table,
        columns: Sequence[str],
        *,
        ignore_conflicts_on: Sequence[str] | None = None,
        update_on_conflict: tuple[Sequence[str], Sequence[str]] | None = None,
        rows_per_statement: int = MAX_ROWS_PER_STATEMENT,
    ) -> None:
        """``ignore_conflicts_on``: key columns whose conflicts skip the row;
        ``update_on_conflict``: ``(key columns, columns to overwrite)`` — an upsert;
        ``rows_per_statement``: at most this many rows per statement (and the bind limit)."""
        if ignore_conflicts_on and update_on_conflict:
            raise ValueError("either skip or update conflicting rows, not both")
        self.table = table.name
        self.rows_per_statement = rows_per_statement
        self.columns = tuple(columns)
        self.ignore_conflicts_on = tuple(ignore_conflicts_on) if ignore_conflicts_on else None
        self.update_on_conflict = (
            (tuple(update_on_conflict[0]), tuple(update_on_conflict[1]))
            if update_on_conflict
            else None
        )

    async def run(
        self, conn: AsyncConnection, rows: Sequence[tuple[Any, ...]], *, bind_limit: int
    ) -> None:
        if not rows:
            return
        dialect: Dialect = conn.dialect.name  # type: ignore[assignment]
        if dialect == "mysql":
            await conn.exec_driver_sql(self._sql(dialect, 1), list(rows))
            return
        await self.run_flat(conn, list(chain.from_iterable(rows)), bind_limit=bind_limit)

    async def run_flat(self, conn: AsyncConnection, flat: list[Any], *, bind_limit: int) -> None:
        """:meth:`run` for rows given concatenated: ``flat`` holds row after row, each
        ``len(columns)`` values (statements are then slices, with no per-row Python work)."""
        if not flat:
            return
        width = len(self.columns)
        if len(flat) % width:
            raise ValueError(f"{len(flat)} values are not rows of {width}")
        dialect: Dialect = conn.dialect.name  # type: ignore[assignment]
        if dialect == "mysql":
            rows = [tuple(flat[i : i + width]) for i in range(0, len(flat), width)]
            await conn.exec_driver_sql(self._sql(dialect, 1), rows)
            return
        per_statement = min(self.rows_per_statement, chunk_size(bind_limit, width))
        start = 0
        for count in statement_sizes(len(flat) // width, per_statement):
            end = start + count * width
            await conn.exec_driver_sql(self._sql(dialect, count), tuple(flat[start:end]))
            start = end
        if start < len(flat):
            tail = [tuple(flat[i : i + width]) for i in range(start, len(flat), width)]
            await conn.exec_driver_sql(self._sql(dialect, 1), tail)

    def _sql(self, dialect: Dialect, count: int) -> str:
        return _statement(
            self.table,
            self.columns,
            self.ignore_conflicts_on,
            self.update_on_conflict,
            dialect,
            count,
        )


@lru_cache(maxsize=256)
def _statement(
    table: str,
    columns: tuple[str, ...],
    ignore_on: tuple[str, ...] | None,
    update_on: tuple[tuple[str, ...], tuple[str, ...]] | None,
    dialect: Dialect,
    count: int,
) -> str:
    width = len(columns)
    if dialect == "postgresql":
        groups = (
            "(" + ",".join(f"${row * width + col + 1}" for col in range(width)) + ")"
            for row in range(count)
        )
    else:
        marker = "%s" if dialect == "mysql" else "?"
        group = "(" + ",".join([marker] * width) + ")"
        groups = (group for _ in range(count))
    # Table and column names come from our own Table objects, never from input.
    sql = f"INSERT INTO {table} ({','.join(columns)}) VALUES {','.join(groups)}"  # noqa: S608
    if ignore_on:
        if dialect == "mysql":
            sql += f" ON DUPLICATE KEY UPDATE {ignore_on[0]}={ignore_on[0]}"
        else:
            sql += f" ON CONFLICT ({','.join(ignore_on)}) DO NOTHING"
    elif update_on:
        keys, overwrite = update_on
        if dialect == "mysql":
            sets = ",".join(f"{c}=VALUES({c})" for c in overwrite)
            sql += f" ON DUPLICATE KEY UPDATE {sets}"
        else:
            sets = ",".join(f"{c}=excluded.{c}" for c in overwrite)
            sql += f" ON CONFLICT ({','.join(keys)}) DO UPDATE SET {sets}"
    return sql


def markers(dialect: Dialect, count: int, start: int = 1) -> list[str]:
    """The driver's positional parameter markers: ``?``, ``%s`` or ``$n``."""
    if dialect == "postgresql":
        return [f"${start + i}" for i in range(count)]
    return ["%s" if dialect == "mysql" else "?"] * count


def delete_by_key_sql(table: Table, columns: Sequence[str], dialect: Dialect) -> str:
    """``DELETE … WHERE c1 = ? AND c2 = ? …`` for an executemany over key tuples."""
    where = " AND ".join(
        f"{c} = {m}" for c, m in zip(columns, markers(dialect, len(columns)), strict=True)
    )
    return f"DELETE FROM {table.name} WHERE {where}"  # noqa: S608 - our own names only


async def execute_many_raw(
    conn: AsyncConnection, sql: str, rows: Sequence[tuple[Any, ...]], *, batch: int = 5_000
) -> None:
    """executemany a driver-level statement (markers from :func:`markers`) over tuples."""
    for start in range(0, len(rows), batch):
        await conn.exec_driver_sql(sql, list(rows[start : start + batch]))
