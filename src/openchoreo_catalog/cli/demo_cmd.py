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
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import typer
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import (
    LogFormatChoice,
    LogFormatOption,
    LogLevel,
    LogLevelOption,
    command_context,
    err_console,
    fail,
    run_async,
)

if TYPE_CHECKING:
    from openchoreo_catalog.api import AppContext
    from openchoreo_catalog.config import Settings
    from openchoreo_catalog.service import Service
    from openchoreo_catalog.service.progress import Progress

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
    from openchoreo_catalog.service.progress import Progress
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
            run = _Demo(
                context.settings, simulator.base_url, api_token, headless, exit_after, say,
                Progress(),
            )  # fmt: skip
            run_async(context, run.run)
        finally:
            simulator.stop()
            say("simulator stopped")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


Say = Callable[[str], None]


def _printer(headless: bool) -> Say:
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


@dataclass
class _Demo:
    """One demo run: the service on its socket, its first cycle, then the banner."""

    settings: Settings
    simulator_url: str
    api_token: str
    headless: bool
    exit_after: float | None
    say: Say
    progress: Progress
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        """Serve until Ctrl-C (or ``exit_after``); the first cycle runs while it serves."""
        from openchoreo_catalog.service import Service, ServiceOptions, run_server
        from openchoreo_catalog.service.server import address, bind

        service = Service.build(self.settings, options=ServiceOptions(progress=self.progress))
        try:
            await service.prepare()
            listen = self.settings.backend.listen
            try:
                sock = bind(listen.host, listen.port)
            except OSError:
                sock = bind(listen.host, 0)
                self.say(f"port {listen.port} is taken; using a free one")
            url = address(sock)

            @asynccontextmanager
            async def first_cycle(_context: AppContext) -> AsyncIterator[None]:
                task = asyncio.create_task(self.first_cycle(service, url))
                try:
                    yield
                finally:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                    await service.stop()

            await run_server(
                service, sock=sock, background=False, lifespans=[first_cycle], stop=self.stop
            )
        finally:
            await service.aclose()

    async def first_cycle(self, service: Service, url: str) -> None:
        """Run the first cycle now (live figures), start the schedule, print the URLs."""
        self.say(f"catalog API listening on {url}; running the first cycle…")
        started = time.monotonic()
        cycle = asyncio.create_task(service.engine.run_cycle(service.provider_name))
        if self.headless:
            await cycle
        else:
            columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
            with RichProgress(*columns, console=err_console, transient=True) as display:
                line = display.add_task("first cycle", total=None)
                while not cycle.done():
                    display.update(line, description=self.progress.line())
                    await asyncio.wait([cycle], timeout=0.2)
        summary = cycle.result()
        await service.start()
        if summary.completed:
            self.say(
                f"first cycle: {summary.entities:,} entities in "
                f"{time.monotonic() - started:.1f} s ({self.progress.line()})"
            )
        else:
            self.say(f"the first cycle did not complete: {summary.error}; it is retried")
        self.banner(url, service.provider_name, ui=await _serves_ui(url))
        typer.echo(f"{READY_PREFIX}{url}")
        sys.stdout.flush()
        if self.exit_after is not None:
            await asyncio.sleep(self.exit_after)
            self.stop.set()

    def banner(self, url: str, provider: str, *, ui: bool) -> None:
        token = self.api_token
        lines = [
            "",
            "OpenChoreo catalog demo",
            f"  catalog API   {url}/api/catalog/entities/by-query?limit=20",
            f"  ingestion     {url}/api/catalog/incremental/providers/{provider}",
            f"  metrics       {url}/metrics",
            f"  simulator     {self.simulator_url}",
            f"  API token     {token}",
            f"  trigger       curl -X POST -H 'Authorization: Bearer {token}' "
            f"{url}/api/catalog/incremental/providers/{provider}/trigger",
            "Press Ctrl-C to stop.",
            "",
        ]
        if ui:
            lines.insert(2, f"  web UI        {url}/")
        for line in lines:
            self.say(line)


async def _serves_ui(url: str) -> bool:
    """Whether the app answers at ``/`` (the web UI, once mounted). Asynchronous: it runs
    on the server's own event loop, which a blocking request would stall until it timed out."""
    try:
        async with httpx.AsyncClient(timeout=5.0) as client:
            return (await client.get(url + "/")).status_code == 200
    except httpx.HTTPError:
        return False
