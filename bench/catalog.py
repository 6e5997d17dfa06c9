"""Benchmark of the catalog store and API: load rate and query latency at scale.

Loads N generated entities (shaped like the OpenChoreo providers' output, see
``bench/entities.py``) into each database *through the store* — ``apply_mutation`` with
pages of 512, as the ingestion engine calls it — then serves the catalog with uvicorn on
loopback and measures, over HTTP with httpx:

* ``by-query`` with one filter and ``limit=100``: with ``totalItems`` cached (the filter
  repeats), counted on every request (a different filter each time), and the next page
  through a cursor;
* ``by-name`` of random entities.

Run ``python bench/catalog.py --entities 1000000`` (``--help`` for options). Prints a table;
copy it into ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.entities import generate

from openchoreo_catalog.api import create_app
from openchoreo_catalog.api.server import running
from openchoreo_catalog.catalog import CatalogStore, Delta
from openchoreo_catalog.config import Settings
from openchoreo_catalog.db import Database, SqliteTuning

PAGE = 512
PG_ADMIN = os.environ.get(
    "OPENCHOREO_BENCH_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


async def create_database(backend: str, workdir: Path) -> tuple[str, Callable[[], Awaitable[None]]]:
    name = f"oc_bench_{os.getpid()}_{secrets.token_hex(3)}"
    if backend == "sqlite":
        path = workdir / f"{name}.sqlite"

        async def drop_file() -> None:
            remove_files(path)

        return f"sqlite+aiosqlite:///{path}", drop_file
    admin = make_url(PG_ADMIN)
    engine = create_async_engine(admin, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()

    async def drop() -> None:
        dropper = create_async_engine(admin, isolation_level="AUTOCOMMIT")
        async with dropper.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await dropper.dispose()

    return admin.set(database=name).render_as_string(hide_password=False), drop


def remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def pages(total: int) -> Iterator[list[dict[str, Any]]]:
    page: list[dict[str, Any]] = []
    for item in generate(total):
        page.append(item)
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page


async def load(store: CatalogStore, total: int, streams: int) -> tuple[float, list[str]]:
    """Seconds to load ``total`` entities; also returns a sample of refs for lookups."""
    queue: asyncio.Queue[list[dict[str, Any]] | None] = asyncio.Queue(maxsize=streams * 2)
    sample: list[str] = []
    rng = random.Random(3)
    loaded = 0
    started = time.perf_counter()

    async def worker() -> None:
        nonlocal loaded
        while (page := await queue.get()) is not None:
            result = await store.apply_mutation("bench", Delta(added=page))
            assert not result.rejected, result.rejected[:3]
            loaded += len(page)

    workers = [asyncio.create_task(worker()) for _ in range(streams)]
    report = started
    for page in pages(total):
        for item in rng.sample(page, 2):
            sample.append(
                f"{item['kind']}/{item['metadata']['namespace']}/{item['metadata']['name']}"
            )
        await queue.put(page)
        now = time.perf_counter()
        if now - report > 30:
            print(f"  … {loaded:,} entities, {loaded / (now - started):,.0f}/s", flush=True)
            report = now
    for _ in workers:
        await queue.put(None)
    await asyncio.gather(*workers)
    return time.perf_counter() - started, sample


def cpu_seconds() -> float:
    """This process's CPU time, all threads (SQLite's included; a server's not)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1000, p99 * 1000


async def timed(
    client: httpx.AsyncClient, url: str, params: Any = None
) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = await client.get(url, params=params)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response


async def measure(
    base: str, store: CatalogStore, sample: list[str], orgs: int, rounds: int
) -> dict[str, tuple[float, float]]:
    rng = random.Random(11)
    results: dict[str, tuple[float, float]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        query = "/api/catalog/entities/by-query"
        await timed(client, query, {"filter": "kind=component", "limit": 100})  # warm-up

        cached: list[float] = []
        counted: list[float] = []
        by_ns: list[float] = []
        nxt: list[float] = []
        for _ in range(rounds):
            params = {"filter": "kind=component", "limit": 100}
            elapsed, response = await timed(client, query, params)
            cached.append(elapsed)
            cursor = response.json()["pageInfo"]["nextCursor"]
            elapsed, _ = await timed(client, query, {"cursor": cursor, "limit": 100})
            nxt.append(elapsed)
        store.counts.ttl = 0  # from here on, totalItems is counted on every request
        for _ in range(rounds):
            params = {"filter": "kind=component", "limit": 100}
            elapsed, _ = await timed(client, query, params)
            counted.append(elapsed)
            org = f"org-{rng.randrange(orgs):04d}"
            params = {"filter": f"metadata.namespace={org}", "limit": 100}
            elapsed, _ = await timed(client, query, params)
            by_ns.append(elapsed)
        results["by-query kind=component (totalItems cached)"] = percentiles(cached)
        results["by-query kind=component (totalItems counted)"] = percentiles(counted)
        results["by-query next page (cursor)"] = percentiles(nxt)
        results["by-query metadata.namespace=<org> (counted)"] = percentiles(by_ns)

        by_name = []
        for _ in range(rounds):
            kind, namespace, name = rng.choice(sample).split("/")
            elapsed, _ = await timed(
                client, f"/api/catalog/entities/by-name/{kind}/{namespace}/{name}"
            )
            by_name.append(elapsed)
        results["by-name"] = percentiles(by_name)
    return results


async def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    url, drop = await create_database(backend, workdir)
    tuning = SqliteTuning(cache_size_kib=args.sqlite_cache_mb * 1024)
    db = Database.from_url(url, sqlite=tuning, pool_size=4)
    try:
        await db.migrate()
        store = CatalogStore(db)
        print(
            f"{backend}: loading {args.entities:,} entities in pages of {PAGE} ({args.streams} stream(s))",
            flush=True,
        )
        cpu_began = cpu_seconds()
        seconds, sample = await load(store, args.entities, args.streams)
        cpu = cpu_seconds() - cpu_began
        rate = args.entities / seconds
        print(
            f"{backend}: loaded in {seconds:,.0f} s = {rate:,.0f} entities/s "
            f"(this process's CPU {cpu:,.0f} s = {cpu / args.entities * 1e6:.0f} µs/entity)",
            flush=True,
        )
        if backend == "postgresql":
            # What autovacuum does after a bulk load: statistics and the visibility map
            # (which lets the search index answer counts without reading the table).
            async with db.engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("VACUUM ANALYZE"))
        app = create_app(Settings(), database=db, migrate=False)
        async with running(app) as base:
            orgs = max(1, args.entities // 1850)
            served = app.state.context.store
            latencies = await measure(base, served, sample, orgs=orgs, rounds=args.rounds)
        return {
            "backend": backend,
            "seconds": seconds,
            "rate": rate,
            "cpu": cpu,
            "latencies": latencies,
        }
    finally:
        await db.dispose()
        if not args.keep:
            await drop()


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print()
    print(
        f"{args.entities:,} entities, pages of {PAGE}, {args.streams} stream(s), {os.cpu_count()} cores"
    )
    print("| backend | load | load rate | CPU s (this process) | CPU µs/entity |")
    print("|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['backend']} | {r['seconds']:,.0f} s | {r['rate']:,.0f} entities/s "
            f"| {r['cpu']:,.0f} | {r['cpu'] / args.entities * 1e6:.0f} |"
        )
    print()
    print("| backend | request (over HTTP, uvicorn on loopback) | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for r in results:
        for name, (p50, p99) in r["latencies"].items():
            print(f"| {r['backend']} | {name} | {p50:.1f} | {p99:.1f} |")


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entities", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--streams", type=int, default=1, help="concurrent apply_mutation callers")
    parser.add_argument("--rounds", type=int, default=200, help="requests per measured query")
    parser.add_argument("--sqlite-cache-mb", type=int, default=1024)
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="oc-bench-") as workdir:
        for backend in args.backends.split(","):
            results.append(await run_backend(backend.strip(), args, Path(workdir)))
    report(results, args)


if __name__ == "__main__":
    asyncio.run(main())
