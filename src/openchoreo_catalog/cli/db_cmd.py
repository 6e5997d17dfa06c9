"""``openchoreo-catalog db`` — manage the database schema."""

from __future__ import annotations

import asyncio

import typer

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import (
    ConfigOption,
    LogFormatChoice,
    LogFormatOption,
    LogLevel,
    LogLevelOption,
    command_context,
    fail,
)
from openchoreo_catalog.db import Database, DatabaseError

db_app = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade(
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.info,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Create or upgrade the schema to the newest revision (safe while replicas start)."""
    context = command_context(config, log_level, log_format)

    async def run() -> tuple[str | None, str]:
        db = Database.from_settings(context.settings.backend.database)
        try:
            return await db.migrate(), db.display_url
        finally:
            await db.dispose()

    try:
        revision, where = asyncio.run(run())
    except DatabaseError as error:
        fail(context.masker(str(error)))
    typer.echo(f"database schema is at revision {revision} ({context.masker(where)})")
