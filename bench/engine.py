"""Benchmark of the ingestion engine alone: one full cycle of a synthetic in-process provider
(no HTTP), pages of 512, through the real catalog store, on SQLite and PostgreSQL.

Prints entities/s, database statements per page (cursor executions counted with SQLAlchemy
events; an executemany counts once) and peak RSS; then peak RSS at 1,000,000 entities
against 100,000 (goal: at most 10 % more — nothing about a cycle may be held per entity).
Each measurement runs in a fresh process, so peak RSS is that cycle's alone.

    .venv/bin/python bench/engine.py                      # 100k on sqlite and postgresql, 1M on sqlite
    .venv/bin/python bench/engine.py --large 0            # skip the 1M run
    .venv/bin/python bench/engine.py --worker sqlite 100000 512   # one measurement, JSON out

``BENCH_SQLITE_CACHE_KIB`` sets SQLite's page cache (default: the service's, 64 MiB), which
fills as the database grows and so counts in peak RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from entities import generate
from openchoreo_catalog.db import Database, SqliteTuning
from openchoreo_catalog.ingestion import IncrementalOptions, IngestionEngine
from openchoreo_catalog.ingestion.protocol import Burst, JsonValue, PageResult
from peak_rss import own_peak_rss_mib

POSTGRES_ADMIN = os.environ.get(
    "OPENCHOREO_BENCH_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
OPTIONS = IncrementalOptions(burst_interval=30, burst_length=10, rest_length=3600)


@dataclass
class Walk:
    """The burst context: the generator and where it stands (cursor = entities emitted)."""

    source: Iterator[dict[str, Any]]
    position: int = 0


class SyntheticProvider:
    """``total`` generated entities in pages of ``page``; generates lazily, keeps nothing."""

    def __init__(self, total: int, page: int) -> None:
        self.total = total
        self.page = page

    @property
    def name(self) -> str:
        return "bench"

    @property
    def event_handler(self) -> None:
        return None

    @asynccontextmanager
    async def around(self, burst: Burst) -> AsyncIterator[Walk]:
        yield Walk(generate(self.total))

    async def next(self, context: Walk, cursor: JsonValue) -> PageResult:
        start = int(cursor or 0)  # type: ignore[arg-type]
        while context.position < start:  # resumed: skip what earlier bursts emitted
            next(context.source)
            context.position += 1
        chunk = [entity for _, entity in zip(range(self.page), context.source, strict=False)]
        context.position += len(chunk)
        return PageResult(chunk, cursor=context.position, done=context.position >= self.total)


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[Database]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as scratch:
            # the service's default tuning: a bigger page cache or mmap would only move the
            # database file into this process's RSS, hiding what the engine itself holds
            cache = int(os.environ.get("BENCH_SQLITE_CACHE_KIB", "0"))
            tuning = SqliteTuning(cache_size_kib=cache) if cache else SqliteTuning()
            db = Database.from_url(f"sqlite+aiosqlite:///{scratch}/bench.sqlite", sqlite=tuning)
            try:
                await db.migrate()
                yield db
            finally:
                await db.dispose()
        return
    name = f"oc_bench_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_async_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = Database.from_url(admin.url.set(database=name))
    try:
        await db.migrate()
        yield db
    finally:
        await db.dispose()
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def measure(backend: str, total: int, page: int) -> dict[str, Any]:
    async with database(backend) as db:
        statements = 0

        def count(*_args: Any) -> None:
            nonlocal statements
            statements += 1

        event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        engine = IngestionEngine(db, replica="bench")
        engine.register(SyntheticProvider(total, page), OPTIONS)
        cpu_began = _cpu_seconds()
        began = time.perf_counter()
        summary = await engine.run_cycle("bench")
        seconds = time.perf_counter() - began
        cpu = _cpu_seconds() - cpu_began
        assert summary.completed, summary.error
        assert summary.entities == total, summary
    return {
        "backend": backend,
        "entities": total,
        "page": page,
        "pages": summary.pages,
        "seconds": round(seconds, 2),
        "entities_per_s": round(total / seconds),
        "cpu_s": round(cpu, 2),
        "cpu_us_per_entity": round(cpu / total * 1e6),
        "statements": statements,
        "statements_per_page": round(statements / summary.pages, 2),
        "peak_rss_mib": round(own_peak_rss_mib(), 1),
    }


def _cpu_seconds() -> float:
    """This process's CPU time (all threads: the event loop's and SQLite's), which a shared
    machine disturbs far less than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_worker(backend: str, total: int, page: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", backend, str(total), str(page)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs=3, metavar=("BACKEND", "ENTITIES", "PAGE"))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=512)
    parser.add_argument("--large", type=int, default=1_000_000, help="0 skips the RSS run")
    args = parser.parse_args()
    if args.worker:
        backend, total, page = args.worker
        print(json.dumps(asyncio.run(measure(backend, int(total), int(page)))))
        return
    results = []
    for backend in args.backends.split(","):
        result = run_worker(backend, args.entities, args.page)
        results.append(result)
        print(json.dumps(result), flush=True)
    if args.large:
        small = next(r for r in results if r["backend"] == "sqlite")
        large = run_worker("sqlite", args.large, args.page)
        print(json.dumps(large), flush=True)
        ratio = large["peak_rss_mib"] / small["peak_rss_mib"]
        print(f"peak RSS {args.large:,} vs {args.entities:,} entities on sqlite: x{ratio:.3f}")
    print()
    print(
        "| backend | entities | pages | s | entities/s | CPU s | CPU µs/entity "
        "| statements/page | peak RSS MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in [*results, *([large] if args.large else [])]:
        print(
            f"| {r['backend']} | {r['entities']:,} | {r['pages']} | {r['seconds']} | "
            f"{r['entities_per_s']:,} | {r['cpu_s']} | {r['cpu_us_per_entity']} | "
            f"{r['statements_per_page']} | {r['peak_rss_mib']} |"
        )


if __name__ == "__main__":
    main()
