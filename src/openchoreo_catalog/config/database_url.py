"""Turning ``backend.database`` into a SQLAlchemy URL with an async driver.

Backstage users write knex-style settings (``client: pg`` plus a connection string or
mapping); SQLAlchemy wants one URL. The URL never leaves this process in clear: anything
shown to a person goes through :func:`redacted`.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from openchoreo_catalog.config.errors import ConfigError
from openchoreo_catalog.config.settings import (
    DEFAULT_SQLITE_FILE,
    ConnectionParams,
    DatabaseSettings,
)

ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg", "mysql": "aiomysql"}
DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306}
DEFAULT_DATABASE = "openchoreo_catalog"


def database_url(settings: DatabaseSettings, *, cwd: Path | None = None) -> URL:
    """The async SQLAlchemy URL for ``settings``; relative SQLite paths resolve against ``cwd``."""
    dialect = settings.dialect
    driver = f"{dialect}+{ASYNC_DRIVERS[dialect]}"
    connection = settings.connection
    if dialect == "sqlite":
        return _sqlite_url(driver, connection, cwd or Path.cwd())
    if isinstance(connection, str):
        try:
            parsed = make_url(connection)
        except ArgumentError:
            raise ConfigError(["backend.database.connection: not a valid database URL"]) from None
        url = parsed.set(drivername=driver)
        if not url.database:
            url = url.set(database=DEFAULT_DATABASE)
        return url
    params = connection or ConnectionParams()
    return URL.create(
        drivername=driver,
        username=params.user or ("postgres" if dialect == "postgresql" else "root"),
        password=params.password.get_secret_value() if params.password else None,
        host=params.host or "127.0.0.1",
        port=params.port or DEFAULT_PORTS[dialect],
        database=params.database or DEFAULT_DATABASE,
    )


def _sqlite_url(driver: str, connection: str | ConnectionParams | None, cwd: Path) -> URL:
    if isinstance(connection, ConnectionParams):
        connection = connection.filename
    if connection is None or connection == "":
        return URL.create(driver, database=str(cwd / DEFAULT_SQLITE_FILE))
    if connection == ":memory:":
        return make_url(f"{driver}:///:memory:")
    if connection.startswith("sqlite"):
        try:
            return make_url(connection).set(drivername=driver)
        except ArgumentError:
            raise ConfigError(["backend.database.connection: not a valid sqlite URL"]) from None
    path = Path(connection).expanduser()
    if not path.is_absolute():
        path = cwd / path
    return URL.create(driver, database=str(path))


def redacted(url: URL) -> str:
    """The URL as safe to print: the password replaced by ``***``."""
    return url.render_as_string(hide_password=True)
