"""``openchoreo-catalog demo`` — the whole product on this machine in under a minute.

Starts the built-in OpenChoreo simulator in a child process (a few organizations, a few
thousand entities), serves the catalog against it from a throw-away SQLite database, runs
the first cycle at once (live figures), then prints the URLs and keeps the scheduler going
until Ctrl-C — which stops the service gracefully, then the simulator, and removes the
database: nothing is left running or behind.

``--headless`` prints plain lines (no live display) and ``--exit-after S`` stops by itself S
seconds after it is ready: the test of ``make demo`` runs it that way. The line
``openchoreo-catalog demo ready: <url>`` marks readiness for scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import (
    LogFormatChoice,
    LogFormatOption,
    LogLevel,
    LogLevelOption,
    err_console,
    fail,
    run_async,
)

READY_PREFIX = "openchoreo-catalog demo ready: "


@app.command("demo")
def demo(
    orgs: Annotated[int, typer.Option(min=1, help="Organizations.")] = 3,
    projects: Annotated[int, typer.Option(min=1, help="Projects per organization.")] = 6,
    components: Annotated[int, typer.Option(min=1, help="Components per project.")] = 60,
    seed: Annotated[int, typer.Option(help="Seed of the generated data.")] = 1,
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port; taken → a free one; 0 → any.")
    ] = 7007,
    headless: Annotated[
        bool, typer.Option("--headless", help="Plain output lines, no live display.")
    ] = False,
    exit_after: Annotated[
        float | None,
        typer.Option(
            "--exit-after",
            min=0.0,
            help="Stop by itself this many seconds after it is ready.",
            show_default=False,
        ),
    ] = None,
    log_level: LogLevelOption = LogLevel.warning,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Simulator + service + first cycle on 127.0.0.1, until Ctrl-C."""
    from openchoreo_catalog.cli.options import command_context
    from openchoreo_catalog.simulator import SimulatorConfig, SimulatorProcess

    scratch = Path(tempfile.mkdtemp(prefix="openchoreo-catalog-demo-"))
    sim_token = f"sim-{secrets.token_hex(12)}"
    api_token = f"demo-{secrets.token_hex(12)}"
    try:
        config = SimulatorConfig(
            orgs=orgs, projects=projects, components=components, seed=seed, token=sim_token
        )
        say = _printer(headless)
        say(f"starting the OpenChoreo simulator ({orgs} orgs × {projects} projects × "
            f"{components} components)")  # fmt: skip
        try:
            simulator = SimulatorProcess(config, extra_args=["--log-level", "error"]).start()
        except RuntimeError as error:
            fail(str(error))
        try:
            overrides = _settings(simulator.base_url, sim_token, api_token, host, port, scratch)
            context = command_context(None, log_level, log_format, overrides=overrides)
            run_async(
                context,
                lambda: _run(context.settings, simulator.base_url, api_token, headless,
                             exit_after, say),
            )  # fmt: skip
        finally:
            simulator.stop()
            say("simulator stopped")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _printer(headless: bool) -> Any:
    def say(text: str) -> None:
        if headless:
            typer.echo(text)
            sys.stdout.flush()
        else:
            err_console.print(text, highlight=False, markup=False)

    return say


def _settings(
    base_url: str, sim_token: str, api_token: str, host: str, port: int, scratch: Path
) -> dict[str, Any]:
    return {
        "openchoreo": {
            "baseUrl": base_url,
            "token": sim_token,
            "incremental": {"restLength": 1, "burstInterval": 10, "burstLength": 10},
        },
        "backend": {
            "listen": {"host": host, "port": port},
            "database": {"client": "sqlite3", "connection": str(scratch / "catalog.sqlite")},
            "auth": {
                "externalAccess": [
                    {"type": "static", "options": {"token": api_token, "subject": "demo"}}
                ]
            },
        },
    }


async def _run(
    settings: Any, simulator_url: str, api_token: str, headless: bool,
    exit_after: float | None, say: Any,
) -> None:  # fmt: skip
    from openchoreo_catalog.service import Service, ServiceOptions, run_server
    from openchoreo_catalog.service.progress import Progress
    from openchoreo_catalog.service.server import bind

    progress = Progress()
    service = Service.build(settings, options=ServiceOptions(progress=progress))
    stop = asyncio.Event()
    try:
        await service.prepare()
        listen = settings.backend.listen
        try:
            sock = bind(listen.host, listen.port)
        except OSError:
            sock = bind(listen.host, 0)
            say(f"port {listen.port} is taken; using a free one")

        @asynccontextmanager
        async def first_cycle(_context: Any) -> AsyncIterator[None]:
            task = asyncio.create_task(
                _first_cycle(service, progress, headless, simulator_url, api_token,
                             sock, exit_after, stop, say)
            )  # fmt: skip
            try:
                yield
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
                await service.stop()

        await run_server(service, sock=sock, background=False, lifespans=[first_cycle], stop=stop)
    finally:
        await service.aclose()


async def _first_cycle(
    service: Any, progress: Any, headless: bool, simulator_url: str, api_token: str,
    sock: Any, exit_after: float | None, stop: asyncio.Event, say: Any,
) -> None:  # fmt: skip
    from openchoreo_catalog.service.server import address

    url = address(sock)
    say(f"catalog API listening on {url}; running the first cycle…")
    started = time.monotonic()
    if headless:
        summary = await service.engine.run_cycle(service.provider_name)
    else:
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with RichProgress(*columns, console=err_console, transient=True) as display:
            task = display.add_task("first cycle", total=None)
            cycle = asyncio.create_task(service.engine.run_cycle(service.provider_name))
            while not cycle.done():
                display.update(task, description=progress.line())
                await asyncio.wait([cycle], timeout=0.2)
            summary = cycle.result()
    await service.start()
    if not summary.completed:
        say(f"the first cycle did not complete: {summary.error}; the scheduler retries it")
    else:
        say(f"first cycle: {summary.entities:,} entities in {time.monotonic() - started:.1f} s "
            f"({progress.line()})")  # fmt: skip
    _banner(say, url, simulator_url, api_token, service)
    typer.echo(f"{READY_PREFIX}{url}")
    sys.stdout.flush()
    if exit_after is not None:
        await asyncio.sleep(exit_after)
        stop.set()


def _banner(say: Any, url: str, simulator_url: str, token: str, service: Any) -> None:
    provider = service.provider_name
    lines = [
        "",
        "OpenChoreo catalog demo",
        f"  web UI        {url}/",
        f"  catalog API   {url}/api/catalog/entities/by-query?limit=20",
        f"  ingestion     {url}/api/catalog/incremental/providers/{provider}",
        f"  metrics       {url}/metrics",
        f"  simulator     {simulator_url}",
        f"  API token     {token}",
        f"  trigger       curl -X POST -H 'Authorization: Bearer {token}' "
        f"{url}/api/catalog/incremental/providers/{provider}/trigger",
        "Press Ctrl-C to stop.",
        "",
    ]
    for line in lines:
        say(line)
