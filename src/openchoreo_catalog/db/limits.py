"""How many bind parameters one statement may carry, per dialect, and chunking to fit.

Exceed the limit and the database refuses the statement ("too many SQL variables"), so every
``IN (...)`` list and multi-row statement whose size depends on data goes through
:func:`chunked` with a size from :func:`max_binds`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Literal, TypeVar

Dialect = Literal["sqlite", "postgresql", "mysql"]
T = TypeVar("T")

# SQLite raised SQLITE_MAX_VARIABLE_NUMBER from 999 to 32766 in 3.32.0. asyncpg refuses more
# than 32767 arguments per query (its wire format counts them in a signed 16-bit field), which
# is stricter than PostgreSQL's own 65535. MySQL's prepared-statement limit is 65535.
_SQLITE_MODERN = (3, 32, 0)
BIND_LIMITS: dict[Dialect, int] = {"sqlite": 32_766, "postgresql": 32_767, "mysql": 65_535}
_MARGIN = 16  # room for the statement's own fixed parameters


def max_binds(dialect: Dialect, *, sqlite_version: tuple[int, ...] | None = None) -> int:
    """The bind-parameter limit of ``dialect`` (for SQLite, of the linked library version)."""
    if dialect == "sqlite":
        version = sqlite_version or sqlite3.sqlite_version_info
        return BIND_LIMITS["sqlite"] if tuple(version) >= _SQLITE_MODERN else 999
    return BIND_LIMITS[dialect]


def chunk_size(limit: int, params_per_item: int = 1, *, ceiling: int = 10_000) -> int:
    """Items per chunk when each item needs ``params_per_item`` binds, capped at ``ceiling``."""
    return max(1, min(ceiling, (limit - _MARGIN) // max(1, params_per_item)))


def chunked(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
