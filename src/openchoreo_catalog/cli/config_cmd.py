"""``openchoreo-catalog config`` — check and show the effective configuration."""

from __future__ import annotations

import typer
import yaml

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import (
    ConfigOption,
    LogFormatChoice,
    LogFormatOption,
    LogLevel,
    LogLevelOption,
    command_context,
)

config_app = typer.Typer(help="Check and show the effective configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("show")
def show(
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.info,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Validate the config files and print the merged result, secrets masked."""
    context = command_context(config, log_level, log_format)
    tree = context.settings.model_dump(mode="json", by_alias=True)
    typer.echo(yaml.safe_dump(tree, sort_keys=False, allow_unicode=True), nl=False)
