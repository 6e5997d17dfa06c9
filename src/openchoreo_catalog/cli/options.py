"""Options every command takes, and turning them into settings and logging.

Each command declares ``config``, ``log_level`` and ``log_format`` with these annotated types
and calls :func:`command_context` first; a bad config then prints one line per problem and
exits with status 2, never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import traceback
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from openchoreo_catalog.config import ConfigError, Settings, load_settings
from openchoreo_catalog.log import LogFormat, SecretMasker, configure_logging


class LogLevel(enum.StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


class LogFormatChoice(enum.StrEnum):
    text = "text"
    json = "json"


ConfigOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--config",
        "-c",
        help="A Backstage-style app-config YAML file; repeat to layer files (later ones win).",
        dir_okay=False,
    ),
]
LogLevelOption = Annotated[
    LogLevel, typer.Option("--log-level", help="Least severe level to log; debug adds tracebacks.")
]
LogFormatOption = Annotated[
    LogFormatChoice, typer.Option("--log-format", help="One line per event as text or JSON.")
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_CONFIG = 2
EXIT_INTERRUPTED = 130

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass(frozen=True)
class CommandContext:
    settings: Settings
    masker: SecretMasker
    debug: bool


def command_context(
    config: list[Path] | None,
    log_level: LogLevel,
    log_format: LogFormatChoice,
    *,
    overrides: dict[str, Any] | None = None,
) -> CommandContext:
    """Load settings and set up logging; exit 2 with a clear message on bad config."""
    fmt: LogFormat = "json" if log_format is LogFormatChoice.json else "text"
    masker = configure_logging(log_level.value, fmt)
    try:
        settings = load_settings(config or [], overrides=overrides)
    except ConfigError as error:
        fail_config(error)
    for secret in _secrets(settings):
        masker.add(secret)
    return CommandContext(settings=settings, masker=masker, debug=log_level is LogLevel.debug)


def fail_config(error: ConfigError) -> NoReturn:
    err_console.print("[bold red]Invalid configuration:[/]")
    for problem in error.problems:
        err_console.print(f"  • {problem}", markup=False)
    raise typer.Exit(EXIT_BAD_CONFIG)


def fail(message: str, *, code: int = EXIT_FAILED) -> NoReturn:
    """Print one clear line and exit non-zero."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _secrets(settings: Settings) -> list[str]:
    found: list[str] = []
    if settings.openchoreo.token is not None:
        found.append(settings.openchoreo.token.get_secret_value())
    found.extend(settings.backend.auth.static_tokens())
    connection = settings.backend.database.connection
    password = getattr(connection, "password", None)
    if password is not None:
        found.append(password.get_secret_value())
    if isinstance(connection, str) and "://" in connection:
        with contextlib.suppress(ArgumentError, ValueError):
            url_password = make_url(connection).password
            if url_password:
                found.append(str(url_password))
    return found


T = TypeVar("T")


def run_async(context: CommandContext, work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run ``work()`` to completion; a failure a user can cause becomes one line on stderr
    and a non-zero exit (2 for configuration, 1 otherwise, 130 when interrupted), with the
    traceback only under ``--log-level debug``."""
    from openchoreo_catalog.db import DatabaseError
    from openchoreo_catalog.openchoreo import OpenChoreoError
    from openchoreo_catalog.openchoreo.errors import OpenChoreoAuthError
    from openchoreo_catalog.pagination import PaginationError

    try:
        return asyncio.run(work())
    except typer.Exit:
        raise
    except ConfigError as error:
        fail_config(error)
    except KeyboardInterrupt:
        fail("interrupted", code=EXIT_INTERRUPTED)
    except DatabaseError as error:
        _trace(context, error)
        fail(context.masker(f"database: {error}"))
    except OpenChoreoAuthError as error:
        _trace(context, error)
        fail(context.masker(f"OpenChoreo refused the token (check openchoreo.token): {error}"))
    except (OpenChoreoError, PaginationError) as error:
        _trace(context, error)
        fail(context.masker(f"OpenChoreo: {error}"))
    except OSError as error:
        _trace(context, error)
        fail(context.masker(str(error.strerror or error)))
    except Exception as error:
        _trace(context, error)
        fail(context.masker(f"unexpected error: {type(error).__name__}: {error}"))


def _trace(context: CommandContext, error: BaseException) -> None:
    if context.debug:
        text = "".join(traceback.format_exception(error))
        err_console.print(context.masker(text), markup=False, highlight=False)
