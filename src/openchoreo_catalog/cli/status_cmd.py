"""``openchoreo-catalog status`` — each provider's state, read from the database.

One table per provider: state, next action and when, attempts, last error, entities active
and seen in this cycle, the last cycle's duration (the same figures as
``GET /api/catalog/incremental/providers/{p}``). ``--json`` prints the raw figures.
"""

from __future__ import annotations

import functools
import time
from datetime import datetime
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

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

console = Console(highlight=False, soft_wrap=False)


@app.command("status")
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.info,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Show every provider's state, next action, attempts, last error and entity counts."""
    context = command_context(config, log_level, log_format)
    details = run_async(context, lambda: _details(context.settings))
    if as_json:
        typer.echo(orjson.dumps(details, option=orjson.OPT_INDENT_2).decode())
        return
    for detail in details:
        console.print(_table(detail))


async def _details(settings: Any) -> list[dict[str, Any]]:
    from openchoreo_catalog.db.tables.catalog import entities
    from openchoreo_catalog.ingestion.progress import provider_detail
    from openchoreo_catalog.providers.openchoreo import FULL_PROVIDER_NAME
    from openchoreo_catalog.service.offline import engine_providers, open_catalog

    async with open_catalog(settings) as store:
        db = store.db
        now = time.time()
        found = []
        for name in await engine_providers(db, settings):
            found.append(
                await db.run(
                    functools.partial(provider_detail, provider=name, now=now),
                    operation=f"read the status of provider {name}",
                    readonly=True,
                )
            )
        if settings.openchoreo.mode == "full":
            count = await db.run(
                lambda conn: conn.scalar(
                    select(func.count())
                    .select_from(entities)
                    .where(entities.c.provider == FULL_PROVIDER_NAME)
                ),
                operation="count entities",
                readonly=True,
            )
            schedule = settings.openchoreo.schedule
            found.append(
                {
                    "name": FULL_PROVIDER_NAME,
                    "status": f"full sync every {schedule.frequency:g} s (no cycle state)",
                    "entitiesActive": int(count or 0),
                }
            )
        return found


def _table(detail: dict[str, Any]) -> Table:
    table = Table(title=detail["name"], title_justify="left", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    table.add_row("state", str(detail.get("status")))
    if "nextAction" in detail:
        table.add_row("next action", _next(detail.get("nextAction"), detail.get("nextActionAt")))
        table.add_row("attempts", str(detail.get("attempts", 0)))
        table.add_row("last error", detail.get("lastError") or "—")
    table.add_row("entities active", f"{detail.get('entitiesActive', 0):,}")
    if "entitiesSeenThisCycle" in detail:
        table.add_row("seen this cycle", f"{detail['entitiesSeenThisCycle']:,}")
    burst = detail.get("currentBurst")
    if burst:
        table.add_row(
            "current burst",
            f"{burst['pages']:,} pages, {burst['entities']:,} entities "
            f"({burst.get('entitiesPerSecond') or 0:,}/s) on {burst['holder']}",
        )
    current = detail.get("current") or {}
    cycles = [current] if current.get("durationSeconds") is not None else []
    cycles += detail.get("lastCycles") or []
    if cycles:
        last = cycles[0]
        table.add_row(
            "last cycle",
            f"{_duration(last.get('durationSeconds'))}, {last['entitiesSeen']:,} seen, "
            f"{last['entitiesRemoved']:,} removed, {last['removalsRejected']:,} removals "
            "rejected",
        )
    elif "lastCycles" in detail:
        table.add_row("last cycle", "none finished yet")
    return table


ACTIONS = {
    "ingest": "next burst",
    "rest": "resting; next cycle",
    "backoff": "backing off; retry",
    "cancel": "cancel",
}


def _next(action: str | None, at: str | None) -> str:
    if action is None:
        return "start a cycle at the next tick"
    if at is None or action.startswith("nothing"):
        return action
    when = datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()
    delta = when - time.time()
    relative = "now" if delta <= 0 else f"in {_duration(delta)}"
    return f"{ACTIONS.get(action, action)} {relative} ({at})"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
