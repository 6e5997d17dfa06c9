"""``openchoreo-catalog entities`` — print the catalog from the database.

``--format jsonl`` writes one served entity per line (as ``GET /api/catalog/entities`` would
serve it: with ``uid``, ``etag`` and ``relations``), ``yaml`` a multi-document stream,
``table`` (the default) kind, namespace, name, type and title. ``--kind`` and
``--namespace`` filter (case-insensitively, as the catalog API's filters do; repeat either
to accept several values).
"""

from __future__ import annotations

import enum
import sys
from collections.abc import AsyncIterator
from typing import Annotated, Any

import orjson
import typer
import yaml
from rich.console import Console
from rich.table import Table

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
from openchoreo_catalog.config import Settings


class OutputFormat(enum.StrEnum):
    jsonl = "jsonl"
    yaml = "yaml"
    table = "table"


@app.command("entities")
def entities(
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="Only this kind (repeatable).")
    ] = None,
    namespace: Annotated[
        list[str] | None,
        typer.Option("--namespace", "-n", help="Only this namespace (repeatable)."),
    ] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="jsonl, yaml or table.")
    ] = OutputFormat.table,
    config: ConfigOption = None,
    log_level: LogLevelOption = LogLevel.warning,
    log_format: LogFormatOption = LogFormatChoice.text,
) -> None:
    """Print the catalog's entities (filtered by --kind / --namespace)."""
    context = command_context(config, log_level, log_format)
    run_async(context, lambda: _print(context.settings, kind or [], namespace or [], output))


async def _print(
    settings: Settings, kinds: list[str], namespaces: list[str], output: OutputFormat
) -> None:
    from openchoreo_catalog.service.offline import open_catalog

    async with open_catalog(settings) as store:
        listing = _listing(store, kinds, namespaces)
        if output is OutputFormat.jsonl:
            out = sys.stdout
            async for text in listing:
                out.write(text)
                out.write("\n")
            out.flush()
        elif output is OutputFormat.yaml:
            async for text in listing:
                sys.stdout.write("---\n")
                sys.stdout.write(_yaml(orjson.loads(text)))
            sys.stdout.flush()
        else:
            await _table(listing)


def _listing(store: Any, kinds: list[str], namespaces: list[str]) -> AsyncIterator[str]:
    from openchoreo_catalog.catalog.queries import Condition, EntityFilter, Selection

    conditions = []
    if kinds:
        conditions.append(Condition("kind", tuple(k.lower() for k in kinds)))
    if namespaces:
        conditions.append(Condition("metadata.namespace", tuple(n.lower() for n in namespaces)))
    selection = Selection(EntityFilter((tuple(conditions),)) if conditions else None)
    iterator: AsyncIterator[str] = store.list_entities(selection=selection)
    return iterator


def _yaml(entity: dict[str, Any]) -> str:
    return yaml.safe_dump(entity, sort_keys=False, allow_unicode=True, width=100)


async def _table(listing: AsyncIterator[str]) -> None:
    table = Table(show_lines=False, header_style="bold")
    for column in ("KIND", "NAMESPACE", "NAME", "TYPE", "TITLE"):
        table.add_column(column, overflow="fold")
    count = 0
    async for text in listing:
        entity = orjson.loads(text)
        metadata = entity.get("metadata", {})
        spec = entity.get("spec") or {}
        table.add_row(
            entity.get("kind", ""),
            metadata.get("namespace", "default"),
            metadata.get("name", ""),
            str(spec.get("type", "")) if isinstance(spec, dict) else "",
            metadata.get("title", ""),
        )
        count += 1
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200)
    console.print(table)
    console.print(f"{count:,} entities")
