"""Column types shared by every table module, so long text is never silently capped.

``LongText`` is TEXT on SQLite and PostgreSQL and LONGTEXT on MySQL, whose plain TEXT stops
at 64 KiB. Use it for anything a user or an upstream system can make long (entity bodies,
error messages, cursors); bounded identifiers may use ``String(n)``.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, Text
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeEngine

LongText: TypeEngine[str] = Text().with_variant(mysql.LONGTEXT(), "mysql")
"""Unbounded text: TEXT, or LONGTEXT on MySQL/MariaDB."""

BigId: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")
"""A 64-bit surrogate key; INTEGER on SQLite so that it is the rowid (and autoincrements)."""
