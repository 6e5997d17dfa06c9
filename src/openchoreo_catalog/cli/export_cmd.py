"""``openchoreo-catalog export backstage --output DIR`` — the catalog as Backstage location
files (see ``service/export.py`` for the layout and how to register it)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import (
    ConfigOption,
    LogFormatChoice,
    LogFormatOption,
    LogLevel,
    LogLevelOption,
    command_context,
    run_async,
)

export_app = typer.Typer(help="Export the catalog.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@export_app.command("backstage")
def backstage(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="Directory to write (created if missing).", file_okay=False
        ),
    ],
    builtin_only: Annotated[
        bool,
        typer.Option(
            "--builtin-kinds-only",
            help="Leave out OpenChoreo's own kinds (Environment, Dataplane, "
            "DeploymentPipeline), which a stock Backstage does not know.",
        ),
    ] = False,
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.info,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Write one YAML file per organization plus an index catalog-info.yaml of Locations."""
    from openchoreo_catalog.service.export import export_backstage
    from openchoreo_catalog.service.offline import open_catalog

    context = command_context(config, log_level, log_format)

    async def run() -> str:
        async with open_catalog(context.settings) as store:
            summary = await export_backstage(store, output, builtin_only=builtin_only)
        skipped = sum(summary.skipped.values())
        return (
            f"wrote {summary.entities:,} entities in {len(summary.files):,} organization files "
            f"and the index {summary.index}"
            + (f" ({skipped:,} entities of OpenChoreo's own kinds left out)" if skipped else "")
        )

    typer.echo(run_async(context, run))
