"""The ``openchoreo-catalog`` command line (Typer + Rich).

Each command lives in its own module under ``openchoreo_catalog.cli`` and registers itself on
:data:`app` through :func:`register_commands`, keeping this file a table of contents.
"""

from __future__ import annotations

import typer

from openchoreo_catalog import __version__

app = typer.Typer(
    name="openchoreo-catalog",
    help="Keep a Backstage-compatible catalog in step with OpenChoreo.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Keep a Backstage-compatible catalog in step with OpenChoreo."""


def register_commands() -> None:
    """Import the command modules; each adds its commands to :data:`app`."""
    from openchoreo_catalog.cli import (  # noqa: F401
        admin_cmd,
        config_cmd,
        db_cmd,
        demo_cmd,
        entities_cmd,
        export_cmd,
        ingest_cmd,
        serve_cmd,
        simulate_cmd,
        status_cmd,
    )


def main() -> None:
    register_commands()
    app()
