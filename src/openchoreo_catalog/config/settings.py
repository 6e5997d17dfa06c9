"""Typed settings: what every part of the service reads, validated once at start-up.

Keys are the camelCase names of Backstage's ``app-config`` (``openchoreo.incremental.burstLength``);
Python code reads the snake_case attributes. Only our own sub-sections reject unknown keys
(so a typo such as ``burstLenght`` is reported); unknown keys elsewhere are ignored, because a
user may point us at a whole Backstage ``app-config.yaml`` full of other plugins' settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

MAX_PAGE_SIZE = 512
"""The largest page OpenChoreo serves; larger requests are clamped by us, never sent."""

DEFAULT_SQLITE_FILE = "openchoreo-catalog.sqlite"


class _Section(BaseModel):
    """Base for sections that ignore unknown keys (shared with other Backstage plugins)."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="ignore"
    )


class _StrictSection(_Section):
    """Base for our own sections, where an unknown key is almost always a typo."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, frozen=True, extra="forbid"
    )


Seconds = Annotated[float, Field(gt=0, le=86_400)]


class IncrementalSettings(_StrictSection):
    """``openchoreo.incremental``: pacing, paging and safety of the incremental provider."""

    burst_length: Annotated[float, Field(ge=1, le=300)] = 10
    """Seconds a burst may page before it yields."""
    burst_interval: Annotated[float, Field(ge=5, le=300)] = 30
    """Seconds between the starts of two bursts."""
    rest_length: Annotated[float, Field(ge=1, le=1440)] = 30
    """Minutes to rest after a complete cycle before the next one starts."""
    chunk_size: Annotated[int, Field(ge=1, le=1000)] = 512
    backoff: Annotated[list[Seconds], Field(min_length=1)] = Field(
        default_factory=lambda: [30.0, 60.0, 300.0, 1800.0]
    )
    reject_removals_above_percentage: Annotated[float, Field(ge=0, le=100)] | None = None
    reject_empty_source_collections: bool = False
    max_concurrent_requests: Annotated[int, Field(ge=1, le=50)] = 5
    batch_delay_ms: Annotated[int, Field(ge=0, le=10_000)] = 100
    max_requests_per_second: Annotated[float, Field(gt=0, le=100_000)] | None = None
    fetch_component_details: Literal["services", "all", "none"] = "services"

    @property
    def page_size(self) -> int:
        """The ``limit`` actually sent: ``chunkSize`` capped at the server's maximum."""
        return min(self.chunk_size, MAX_PAGE_SIZE)

    @property
    def rest_length_seconds(self) -> float:
        return self.rest_length * 60


class ScheduleSettings(_StrictSection):
    """``openchoreo.schedule``: cadence of the full-sync provider."""

    frequency: Seconds = 30
    timeout: Seconds = 120


class OpenChoreoSettings(_Section):
    """``openchoreo``: where the API is and how to ingest it."""

    base_url: str | None = None
    token: SecretStr | None = None
    default_owner: Annotated[str, Field(min_length=1, max_length=253)] = "guests"
    mode: Literal["incremental", "full"] = "incremental"
    incremental: IncrementalSettings = Field(default_factory=IncrementalSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                "must be an http:// or https:// URL, e.g. http://openchoreo:8080/api/v1"
            )
        return value.strip().rstrip("/")

    @model_validator(mode="before")
    @classmethod
    def _accept_legacy_keys(cls, data: Any) -> Any:
        """Accept the seed's alternative key locations (the design notes list them)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        api = data.pop("api", None)
        if isinstance(api, dict):
            for key in ("baseUrl", "token"):
                if key in api and data.get(key) is None:
                    data[key] = api[key]
        incremental = data.get("incremental")
        incremental = dict(incremental) if isinstance(incremental, dict) else incremental
        for key in ("maxConcurrentRequests", "batchDelayMs"):
            if key in data:
                value = data.pop(key)
                if incremental is None:
                    incremental = {}
                if isinstance(incremental, dict):
                    incremental.setdefault(key, value)
        if incremental is not None:
            data["incremental"] = incremental
        return data


class ConnectionParams(_Section):
    """A database connection given as parts, Backstage/knex style."""

    host: str | None = None
    port: Annotated[int, Field(ge=1, le=65_535)] | None = None
    user: str | None = None
    password: SecretStr | None = None
    database: str | None = None
    filename: str | None = None
    """For SQLite only: the file, as Backstage's ``connection.filename``."""


DatabaseClient = Literal["sqlite3", "better-sqlite3", "pg", "mysql", "mysql2"]


class DatabaseSettings(_Section):
    """``backend.database``: which SQL database holds the catalog and the ingestion state."""

    client: DatabaseClient = "sqlite3"
    connection: str | ConnectionParams | None = None

    @property
    def dialect(self) -> Literal["sqlite", "postgresql", "mysql"]:
        if self.client in ("sqlite3", "better-sqlite3"):
            return "sqlite"
        if self.client == "pg":
            return "postgresql"
        return "mysql"

    @model_validator(mode="after")
    def _connection_fits_client(self) -> DatabaseSettings:
        connection = self.connection
        if self.dialect == "sqlite":
            if isinstance(connection, ConnectionParams) and connection.host:
                raise ValueError("a sqlite3 connection is a file path or ':memory:', not a host")
        elif isinstance(connection, str):
            scheme = urlsplit(connection).scheme.split("+")[0]
            expected = (
                ("postgres", "postgresql") if self.dialect == "postgresql" else ("mysql", "mariadb")
            )
            if scheme not in expected:
                raise ValueError(
                    f"a {self.client} connection string must start with {expected[-1]}://"
                )
        return self


class ListenSettings(_StrictSection):
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65_535)] = 7007


class StaticTokenOptions(_Section):
    token: SecretStr
    subject: Annotated[str, Field(min_length=1)] = "external-caller"

    @field_validator("token")
    @classmethod
    def _strong_enough(cls, value: SecretStr) -> SecretStr:
        secret = value.get_secret_value()
        if len(secret) < 8:
            raise ValueError("must be at least 8 characters")
        if any(ch.isspace() for ch in secret):
            raise ValueError("must not contain whitespace")
        return value


class ExternalAccess(_Section):
    """One ``backend.auth.externalAccess`` entry; only Backstage's ``static`` type exists here."""

    type: Literal["static"]
    options: StaticTokenOptions


class AuthSettings(_Section):
    external_access: list[ExternalAccess] = Field(default_factory=list)
    dangerously_disable_default_auth_policy: bool = False
    protect_reads: bool = False

    def static_tokens(self) -> dict[str, str]:
        """Token → subject, for the HTTP auth policy."""
        return {
            entry.options.token.get_secret_value(): entry.options.subject
            for entry in self.external_access
        }


class BackendSettings(_Section):
    base_url: str | None = None
    listen: ListenSettings = Field(default_factory=ListenSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)

    @field_validator("listen", mode="before")
    @classmethod
    def _listen_string(cls, value: Any) -> Any:
        """Backstage also accepts ``listen: ':7007'`` or ``'0.0.0.0:7007'``."""
        if isinstance(value, int):
            return {"port": value}
        if isinstance(value, str):
            host, _, port = value.rpartition(":")
            if not port.isdigit():
                raise ValueError("must be host:port, :port, or a mapping with host and port")
            return {"host": host or "127.0.0.1", "port": int(port)}
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @property
    def public_url(self) -> str:
        """Where users reach the service: ``baseUrl`` or the listen address."""
        if self.base_url:
            return self.base_url
        host = self.listen.host
        if host in ("0.0.0.0", "::", ""):  # noqa: S104 - only formatting an address
            host = "127.0.0.1"
        return f"http://{host}:{self.listen.port}"


class Settings(_Section):
    """The whole configuration tree."""

    openchoreo: OpenChoreoSettings = Field(default_factory=OpenChoreoSettings)
    backend: BackendSettings = Field(default_factory=BackendSettings)

    @property
    def provider_name(self) -> str:
        """The provider this configuration runs, by ``openchoreo.mode``."""
        if self.openchoreo.mode == "full":
            return "OpenChoreoEntityProvider"
        return "OpenChoreoIncrementalEntityProvider"


def default_sqlite_path(cwd: Path | None = None) -> Path:
    return (cwd or Path.cwd()) / DEFAULT_SQLITE_FILE


__all__ = [
    "MAX_PAGE_SIZE",
    "AuthSettings",
    "BackendSettings",
    "ConnectionParams",
    "DatabaseSettings",
    "ExternalAccess",
    "IncrementalSettings",
    "ListenSettings",
    "OpenChoreoSettings",
    "ScheduleSettings",
    "Settings",
    "StaticTokenOptions",
]
