"""The floor under the SQLite load rate: what SQLite alone costs for the rows a page must write.

The catalog keeps, per entity, its row, its Backstage-style search rows (~22: every leaf of
the entity, lower-cased, as the issues require), its relation rows, and the engine's sweep
bookkeeping row. This script prepares N generated entities with the store's own
``prepare_entity`` *before* the clock starts, then writes exactly those rows into the
service's schema (created by its migrations, opened with its PRAGMAs) with plain ``sqlite3``
— no SQLAlchemy, no aiosqlite, no engine, no Python preparation — one transaction per page,
in the statement shapes the store uses, each page's parameters built before its clock starts. What it measures is a lower bound on the CPU any
single writer needs per entity, and so an upper bound on entities/s for this schema on this
machine.

    .venv/bin/python bench/floor.py                      # 100,000 entities, pages of 512
    .venv/bin/python bench/floor.py --entities 1000000

Each step is timed on its own fresh database (so a step's figure is its own cost at that
size), then all steps together.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from entities import generate
from openchoreo_catalog.catalog.prepare import PreparedEntity, prepare_entity
from openchoreo_catalog.db import Database, SqliteTuning
from openchoreo_catalog.db.bulk import MAX_ROWS_PER_STATEMENT, statement_sizes

Rows = list[tuple[Any, ...]]
Step = Callable[[list[PreparedEntity], int], list[tuple[str, Rows]]]


def entity_rows(page: list[PreparedEntity], first_id: int) -> list[tuple[str, Rows]]:
    rows = [(p.uid, p.ref, "bench", p.hash, p.body) for p in page]
    return [("catalog_entities(uid,ref,provider,hash,body)", rows)]


def search_rows(page: list[PreparedEntity], first_id: int) -> list[tuple[str, Rows]]:
    rows = [
        (key, value, first_id + i, original)
        for i, p in enumerate(page)
        for key, value, original in p.search
    ]
    return [("catalog_search(key_hash,value,entity_id,original_value)", rows)]


def relation_rows(page: list[PreparedEntity], first_id: int) -> list[tuple[str, Rows]]:
    rows = [(first_id + i, r.type, r.target_ref) for i, p in enumerate(page) for r in p.relations]
    return [("catalog_relations(source_id,type,target_ref)", rows)]


def bookkeeping_rows(page: list[PreparedEntity], first_id: int) -> list[tuple[str, Rows]]:
    rows = [("bench", p.ref, "cycle-1") for p in page]
    return [("ingestion_entities(provider_name,entity_ref,last_seen_ingestion)", rows)]


def all_rows(page: list[PreparedEntity], first_id: int) -> list[tuple[str, Rows]]:
    steps = (entity_rows, search_rows, relation_rows, bookkeeping_rows)
    return [part for step in steps for part in step(page, first_id)]


STEPS: dict[str, Step] = {
    "entity rows": entity_rows,
    "search rows": search_rows,
    "relation rows": relation_rows,
    "bookkeeping rows": bookkeeping_rows,
    "all together": all_rows,
}


Statement = tuple[str, list[Any], bool]
"""SQL, its parameters, and whether they are a list of rows for ``executemany``."""


def statements(target: str, rows: Rows) -> list[Statement]:
    """Multi-row ``INSERT`` statements as the store sends them, then the single-row tail."""
    width = len(rows[0]) if rows else 0
    group = "(" + ",".join("?" * width) + ")"
    sent: list[Statement] = []
    start = 0
    for count in statement_sizes(len(rows), MAX_ROWS_PER_STATEMENT):
        part = rows[start : start + count]
        start += count
        flat = [value for row in part for value in row]
        sent.append((f"INSERT INTO {target} VALUES {','.join([group] * count)}", flat, False))
    if start < len(rows):
        sent.append((f"INSERT INTO {target} VALUES {group}", rows[start:], True))
    return sent


def fresh_database(directory: Path, name: str) -> sqlite3.Connection:
    """The service's schema (its own migrations) and PRAGMAs, on a new file."""
    path = directory / f"{name}.sqlite"
    tuning = SqliteTuning()

    async def migrate() -> None:
        db = Database.from_url(f"sqlite+aiosqlite:///{path}", sqlite=tuning)
        await db.migrate()
        await db.dispose()

    asyncio.run(migrate())
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in tuning.pragmas(memory=False):
        conn.execute(pragma)
    return conn


def measure(step: Step, pages: list[list[PreparedEntity]], directory: Path, name: str) -> float:
    """CPU seconds SQLite spends writing every page's rows of ``step``, a transaction per
    page; each page's rows and parameters are built before its clock starts."""
    conn = fresh_database(directory, name)
    seconds = 0.0
    first_id = 1
    for page in pages:
        sent = [one for target, rows in step(page, first_id) for one in statements(target, rows)]
        began = time.process_time()
        conn.execute("BEGIN IMMEDIATE")
        for sql, parameters, many in sent:
            if many:
                conn.executemany(sql, parameters)
            else:
                conn.execute(sql, parameters)
        conn.execute("COMMIT")
        seconds += time.process_time() - began
        first_id += len(page)
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=512)
    args = parser.parse_args()
    prepared = [prepare_entity(entity) for entity in generate(args.entities)]
    pages = [prepared[i : i + args.page] for i in range(0, len(prepared), args.page)]
    search_per_entity = sum(len(p.search) for p in prepared) / len(prepared)
    print(
        f"{len(prepared):,} entities, {len(pages)} pages, "
        f"{search_per_entity:.1f} search rows per entity, SQLite {sqlite3.sqlite_version}"
    )
    print("\n| rows written | CPU µs/entity | ceiling entities/s |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as scratch:
        for index, (label, step) in enumerate(STEPS.items()):
            seconds = measure(step, pages, Path(scratch), f"floor{index}")
            per_entity = seconds / len(prepared) * 1e6
            print(f"| {label} | {per_entity:.1f} | {1e6 / per_entity:,.0f} |", flush=True)
            for leftover in Path(scratch).glob(f"floor{index}.sqlite*"):
                os.remove(leftover)


if __name__ == "__main__":
    main()
