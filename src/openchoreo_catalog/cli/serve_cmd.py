"""``openchoreo-catalog serve`` — the HTTP API and the scheduler, until SIGINT or SIGTERM."""

from __future__ import annotations

import sys

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

READY_PREFIX = "openchoreo-catalog serving on "
"""The first stdout line once the service answers (tests and scripts wait for it)."""


@app.command("serve")
def serve(
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.info,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Serve the catalog and management API on backend.listen while the provider ingests.

    Migrations run first. SIGINT or SIGTERM stop gracefully (the page in flight commits or
    is abandoned whole, leases are released) and exit 0.
    """
    from openchoreo_catalog.service import Service, run_server
    from openchoreo_catalog.service.server import bind

    context = command_context(config, log_level, log_format)
    settings = context.settings

    async def run() -> None:
        service = Service.build(settings)
        try:
            await service.prepare()
            listen = settings.backend.listen
            try:
                sock = bind(listen.host, listen.port)
            except OSError as error:
                raise OSError(
                    f"cannot listen on {listen.host}:{listen.port}: {error.strerror or error}"
                ) from error

            def ready(url: str) -> None:
                typer.echo(
                    f"{READY_PREFIX}{url} (provider {service.provider_name}, "
                    f"database {service.db.display_url})"
                )
                sys.stdout.flush()

            await run_server(service, sock=sock, on_ready=ready)
        finally:
            await service.aclose()

    run_async(context, run)
