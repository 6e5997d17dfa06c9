"""``openchoreo-catalog simulate`` — serve a simulated OpenChoreo API on this machine."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
import typer

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import (
    LogFormatChoice,
    LogFormatOption,
    LogLevel,
    LogLevelOption,
    err_console,
    fail,
)
from openchoreo_catalog.log import configure_logging

_FAULTS = "Faults (also settable at runtime under /__admin/faults)"


@app.command("simulate")
def simulate(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port; 0 picks a free one.")] = 8080,
    orgs: Annotated[int, typer.Option(min=0, help="Organizations.")] = 2,
    projects: Annotated[int, typer.Option(min=0, help="Projects per organization.")] = 3,
    components: Annotated[int, typer.Option(min=0, help="Components per project.")] = 10,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 1,
    service_fraction: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Share of components that are services.")
    ] = 0.6,
    endpoints: Annotated[int, typer.Option(min=0, help="Endpoints per service workload.")] = 3,
    traits: Annotated[int, typer.Option(min=0, help="Traits per organization.")] = 4,
    token_ttl: Annotated[
        float, typer.Option(min=0.001, help="Seconds continue tokens stay valid.")
    ] = 300.0,
    latency_ms: Annotated[float, typer.Option(min=0.0, help="Delay added to every request.")] = 0.0,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="OPENCHOREO_SIMULATOR_TOKEN",
            help="Require this bearer token on API requests.",
            show_default=False,
        ),
    ] = None,
    error_rate: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of requests answered 503.", rich_help_panel=_FAULTS
        ),
    ] = 0.0,
    throttle_rate: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of requests answered 429.", rich_help_panel=_FAULTS
        ),
    ] = 0.0,
    retry_after: Annotated[
        str,
        typer.Option(
            help="Retry-After of those 429s (seconds or HTTP date).", rich_help_panel=_FAULTS
        ),
    ] = "1",
    expire_every: Annotated[
        int,
        typer.Option(min=0, help="Expire every Nth continuation (410).", rich_help_panel=_FAULTS),
    ] = 0,
    drop_rate: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of connections dropped.", rich_help_panel=_FAULTS
        ),
    ] = 0.0,
    short_pages: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of pages served short.", rich_help_panel=_FAULTS
        ),
    ] = 0.0,
    empty_pages: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=0.9,
            help="Share of pages served empty with hasMore.",
            rich_help_panel=_FAULTS,
        ),
    ] = 0.0,
    fault: Annotated[
        list[str] | None,
        typer.Option(
            help='A fault rule as JSON, e.g. {"kind": "error", "rate": 0.1}; repeatable.',
            rich_help_panel=_FAULTS,
        ),
    ] = None,
    log_level: LogLevelOption = LogLevel.warning,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Serve an OpenChoreo API (/api/v1, /health, /ready, /__admin) with generated data."""
    from openchoreo_catalog.simulator import SimulatorConfig, serve
    from openchoreo_catalog.simulator.faults import FaultSet, FaultSpecError
    from openchoreo_catalog.simulator.server import READY_LINE

    masker = configure_logging(
        log_level.value, "json" if log_format is LogFormatChoice.json else "text"
    )
    masker.add(token)
    rules: list[dict[str, Any]] = []
    for kind, rate, extra in (
        ("error", error_rate, {"status": 503}),
        ("throttle", throttle_rate, {"retryAfter": retry_after}),
        ("drop", drop_rate, {}),
        ("short", short_pages, {}),
        ("empty", empty_pages, {}),
    ):
        if rate > 0:
            rules.append({"kind": kind, "rate": rate, **extra})
    if expire_every > 0:
        rules.append({"kind": "expire", "every": expire_every})
    for text in fault or []:
        try:
            rules.append(orjson.loads(text))
        except orjson.JSONDecodeError as error:
            fail(f"--fault {text!r} is not JSON: {error}", code=2)
    try:
        checker = FaultSet()
        for rule in rules:
            checker.add(rule)
        config = SimulatorConfig(
            orgs=orgs,
            projects=projects,
            components=components,
            seed=seed,
            service_fraction=service_fraction,
            endpoints=endpoints,
            traits=traits,
            token_ttl=token_ttl,
            latency_ms=latency_ms,
            token=token or None,
            faults=tuple(rules),
        )
    except (FaultSpecError, ValueError) as error:
        fail(str(error), code=2)

    def ready(url: str) -> None:
        typer.echo(
            f"{READY_LINE}{url}/api/v1 ({orgs} orgs × {projects} projects × "
            f"{components} components, seed {seed})"
        )

    try:
        serve(config, host, port, on_ready=ready)
    except OSError as error:
        fail(f"cannot listen on {host}:{port}: {error.strerror or error}")
    except KeyboardInterrupt:
        err_console.print("simulator stopped")
