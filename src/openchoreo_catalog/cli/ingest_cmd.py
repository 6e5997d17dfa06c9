"""``openchoreo-catalog ingest`` — ingest without serving HTTP; ``--once`` for one cycle now.

``ingest --once`` runs one complete cycle of the configured provider back to back (no
pacing), showing organizations, projects, components and entities/s live on a terminal and
as log lines otherwise, then prints a summary. Exit status: 0 when the cycle completed (a
removal rejected by a safety limit is reported, and is not a failure), 1 when it failed
(the line says why; the provider backs off and the next run resumes it), 2 for bad
configuration, 130 when interrupted (the page in flight committed; the next run resumes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

from openchoreo_catalog.cli import app
from openchoreo_catalog.cli.options import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    ConfigOption,
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
    from openchoreo_catalog.ingestion.cycle import CycleSummary
    from openchoreo_catalog.service.progress import Progress

logger = logging.getLogger("openchoreo_catalog.cli.ingest")

LOG_EVERY = 5.0


@app.command("ingest")
def ingest(
    once: Annotated[
        bool, typer.Option("--once", help="Run one complete cycle now, then exit.")
    ] = False,
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.info,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Ingest from OpenChoreo into the catalog database, without the HTTP API.

    With --once: one complete cycle now, back to back, then a summary (exit 0 completed,
    1 failed, 2 bad config). Without: run on the configured schedule until SIGINT/SIGTERM.
    """
    from openchoreo_catalog.ingestion.cycle import CycleSummary
    from openchoreo_catalog.service import Service, ServiceOptions
    from openchoreo_catalog.service.progress import Progress

    context = command_context(config, log_level, log_format)
    progress = Progress()
    interrupted = asyncio.Event()

    async def run() -> CycleSummary | str | None:
        service = Service.build(context.settings, options=ServiceOptions(progress=progress))
        try:
            await service.prepare()
            with _signals(interrupted):
                if not once:
                    await service.start()
                    await interrupted.wait()
                    return None
                async with _show(progress):
                    if service.full is not None:
                        # the whole run: the read (run.seconds) and the catalog write after it
                        started = time.monotonic()
                        run = await service.full.run_once()
                        took = time.monotonic() - started
                        return (
                            f"{service.provider_name}: {len(run.entities):,} entities in "
                            f"{took:.1f} s ({run.requests:,} requests; reading the API took "
                            f"{run.seconds:.1f} s)"
                            + (", degraded: additions only, nothing removed" if run.degraded
                               else "")
                        )  # fmt: skip
                    return await service.engine.run_cycle(service.provider_name, stop=interrupted)
        finally:
            await service.aclose()

    outcome = run_async(context, run)
    if isinstance(outcome, str):
        typer.echo(outcome)
    elif isinstance(outcome, CycleSummary):
        _report(outcome, progress, interrupted.is_set())


def _report(summary: CycleSummary, progress: Progress, interrupted: bool) -> None:
    figures = progress.figures()
    if summary.completed:
        typer.echo(
            f"{summary.provider}: cycle {summary.ingestion_id} completed in "
            f"{summary.duration:.1f} s — {summary.entities:,} entities in {summary.pages:,} pages "
            f"(orgs {figures['orgs']:,}, projects {figures['projects']:,}, components "
            f"{figures['components']:,}); {summary.added:,} written, {summary.removed:,} "
            f"removed, {summary.invalid:,} invalid"
            + (", degraded: nothing removed" if summary.degraded else "")
        )
        if summary.rejection:
            err_console.print(
                f"[yellow]warning:[/] removal of {summary.removals_rejected:,} stale entities "
                f"rejected: {summary.rejection}",
                markup=True,
                highlight=False,
            )
        return
    if interrupted:
        fail("interrupted: the cycle resumes at the next run", code=EXIT_INTERRUPTED)
    reason = summary.error or "the cycle did not complete"
    fail(f"ingestion failed: {reason}", code=EXIT_FAILED)


@contextlib.contextmanager
def _signals(interrupted: asyncio.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set ``interrupted`` (the cycle stops after the page in flight)."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, interrupted.set)
            installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


@asynccontextmanager
async def _show(progress: Progress) -> AsyncIterator[None]:
    """A live line on a terminal; a log line every few seconds otherwise."""
    if err_console.is_terminal:
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
        with RichProgress(*columns, console=err_console, transient=True) as display:
            task = display.add_task("starting…", total=None)

            async def refresh() -> None:
                while True:
                    display.update(task, description=progress.line())
                    await asyncio.sleep(0.2)

            ticker = asyncio.create_task(refresh())
            try:
                yield
            finally:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
        return

    async def log() -> None:
        while True:
            await asyncio.sleep(LOG_EVERY)
            logger.info("ingest progress", extra=progress.figures())

    ticker = asyncio.create_task(log())
    try:
        yield
    finally:
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
        sys.stdout.flush()
