"""Typed database failures, and telling a transient one (worth retrying) from the rest.

Callers see :class:`DatabaseError` naming the operation that failed ("apply mutation for
provider X: deadlock detected"), never a driver exception with SQL and parameters in it.
Messages are built from the driver's own first line, with any URL credentials masked, so a
password cannot leak through an error even if a driver echoes a connection string.
"""

from __future__ import annotations

import re
import sqlite3

from sqlalchemy import exc as sa_exc

# SQLSTATEs worth retrying: serialization failure, deadlock, lock not available, connection
# exceptions (class 08), server shutting down (57P01-57P03), too many connections.
_PG_TRANSIENT = {"40001", "40P01", "55P03", "57P01", "57P02", "57P03", "53300"}
# MySQL/MariaDB error numbers: lock wait timeout, deadlock, too many connections, can't
# connect, server gone away, lost connection, client idle-disconnected (MariaDB 4031).
_MYSQL_TRANSIENT = {1205, 1213, 1040, 2002, 2003, 2006, 2013, 2055, 4031}
_SQLITE_TRANSIENT = ("database is locked", "database table is locked", "database is busy")
_URL_CREDENTIALS = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@/\s]+@")
_MAX_DETAIL = 500


class DatabaseError(Exception):
    """A database operation failed; the message names the operation and the cause."""

    def __init__(self, operation: str, detail: str, *, transient: bool = False) -> None:
        self.operation = operation
        self.detail = detail
        self.transient = transient
        super().__init__(f"{operation}: {detail}")


class TransientDatabaseError(DatabaseError):
    """A transient failure (deadlock, lock timeout, lost connection) outlived its retries."""

    def __init__(self, operation: str, detail: str, *, attempts: int) -> None:
        self.attempts = attempts
        super().__init__(operation, f"{detail} (gave up after {attempts} attempts)", transient=True)


class MigrationError(DatabaseError):
    """The schema could not be brought to the version this code needs."""


def is_transient(error: BaseException) -> bool:
    """True when retrying the whole unit of work may succeed."""
    if isinstance(error, DatabaseError):
        return error.transient
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        return _driver_transient(error.orig)
    if isinstance(error, ConnectionError | TimeoutError):
        return True
    return _driver_transient(error)


def _driver_transient(orig: BaseException | None) -> bool:
    if orig is None:
        return False
    if isinstance(orig, ConnectionError | TimeoutError):
        return True
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return True
        return any(text in str(orig).lower() for text in _SQLITE_TRANSIENT)
    args = getattr(orig, "args", ())
    if args and isinstance(args[0], int):  # MySQL drivers: (errno, message)
        return args[0] in _MYSQL_TRANSIENT
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(sqlstate, str):
        return sqlstate in _PG_TRANSIENT or sqlstate.startswith("08")
    name = type(orig).__name__
    if "ConnectionDoesNotExist" in name or "InterfaceError" in name:
        return "closed" in str(orig).lower() or "does not exist" in str(orig).lower()
    cause = orig.__cause__
    return cause is not None and cause is not orig and _driver_transient(cause)


def describe(error: BaseException) -> str:
    """One safe line about ``error``: driver class and first line, without SQL or params."""
    orig = error.orig if isinstance(error, sa_exc.DBAPIError) and error.orig else error
    if isinstance(orig, DatabaseError):
        return orig.detail
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    text = _URL_CREDENTIALS.sub(r"\1***@", text)
    if len(text) > _MAX_DETAIL:
        text = text[: _MAX_DETAIL - 3] + "..."
    name = type(orig).__name__
    return f"{name}: {text}" if text else name


def wrap(operation: str, error: BaseException) -> DatabaseError:
    """A :class:`DatabaseError` for ``error`` (returned as is when it already is one)."""
    if isinstance(error, DatabaseError):
        return error
    return DatabaseError(operation, describe(error), transient=is_transient(error))
