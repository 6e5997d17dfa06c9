"""``openchoreo-catalog reset PROVIDER`` and ``trigger PROVIDER`` — the management actions,
against the database directly (a running ``serve`` notices them at its next tick, within
``burstInterval``; the HTTP routes wake it at once)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import (
    ConfigOption,
    LogFormatChoice,
    LogFormatOption,
    LogLevel,
    LogLevelOption,
    command_context,
    fail,
    run_async,
)
from openchoreo_catalog.config import Settings
from openchoreo_catalog.ingestion import admin

T = TypeVar("T")

ProviderArgument = Annotated[
    str, typer.Argument(help="Provider name, e.g. OpenChoreoIncrementalEntityProvider.")
]


@app.command("trigger")
def trigger(
    provider: ProviderArgument,
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.info,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Make the provider's next action due now (a resting provider starts its next cycle)."""
    context = command_context(config, log_level, log_format)

    async def action(conn: AsyncConnection, now: float) -> str:
        if await admin.trigger(conn, provider, now) is not None:
            return "next action triggered"
        await admin.start(conn, provider, now)
        return "no cycle yet: one was opened and starts at the next tick"

    typer.echo(
        f"{provider}: {run_async(context, lambda: _act(context.settings, provider, action))}"
    )


@app.command("reset")
def reset(
    provider: ProviderArgument,
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.info,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Purge the provider's cycles and marks and start a fresh cycle now (the catalog and
    the sweep's bookkeeping stay, so nothing is orphaned)."""
    context = command_context(config, log_level, log_format)

    async def action(conn: AsyncConnection, now: float) -> str:
        purged = await admin.reset(conn, provider, now)
        return (
            f"reset: {purged.ingestions_deleted} cycles and {purged.marks_deleted} marks "
            "deleted; a new cycle starts at the next tick"
        )

    typer.echo(
        f"{provider}: {run_async(context, lambda: _act(context.settings, provider, action))}"
    )


async def _act(
    settings: Settings, provider: str, action: Callable[[AsyncConnection, float], Awaitable[T]]
) -> T:
    """Run ``action(conn, now)`` in one transaction, for a provider the database knows."""
    from openchoreo_catalog.db import Database
    from openchoreo_catalog.service.offline import engine_providers

    db = Database.from_settings(settings.backend.database)
    try:
        await db.migrate()
        known = await engine_providers(db, settings)
        if provider not in known:
            fail(f"unknown provider '{provider}' (known: {', '.join(known) or 'none'})")
        return await db.run(
            lambda conn: action(conn, time.time()), operation=f"act on provider {provider}"
        )
    finally:
        await db.dispose()
