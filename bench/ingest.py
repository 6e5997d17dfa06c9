"""One full ingestion cycle of ~200,000 entities against the simulator in another process.

Dataset: 20 organizations × 50 projects × 100 components, half of them services with two
endpoints (100,000 Components + 100,000 APIs + Domains, Systems, Environments, Dataplanes,
Templates and pipelines). Each configuration runs in a fresh child process, so peak RSS is
that run's own; the simulator runs in a process of its own too.

Runs: the incremental provider (``OpenChoreoIncrementalEntityProvider``, one run-once cycle)
and the full-sync provider (``OpenChoreoEntityProvider``, one run), at 0 ms and at 20 ms per
request with ``maxConcurrentRequests`` 5 and 50. ``--sink engine`` drives the cycle through
the ingestion engine's run-one-cycle-now mode into a SQLite catalog (the default; the
full-sync provider applies its one ``Full`` mutation to the same kind of catalog);
``--sink none`` measures the providers alone (pages consumed and dropped).

Figures: wall time, entities/s, API requests made against the minimum possible (every list
page at ``limit`` 512, one schema per component type, one pipeline per distinct pipeline,
one detail per service — computed from the simulator's ground truth), and peak RSS.

Lower bound at latency ``L`` per request, concurrency ``C``: the provider walks with one
position per level, so its ``S`` list requests run one after another (each page needs the
token, or the parent, from the page before it): ``S × L``. All ``N`` requests together can
never run faster than ``C`` at a time: ``N × L / C``. Hence ``bound = max(S × L, N × L / C)``,
with S and N the minimum counts; the goal is wall time ≤ 1.25 × bound.

Usage (from the repository root, after ``make venv``)::

    .venv/bin/python bench/ingest.py                      # every configuration
    .venv/bin/python bench/ingest.py --only incremental --latency-ms 20 --concurrency 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from openchoreo_catalog.config import OpenChoreoSettings
from openchoreo_catalog.ingestion.protocol import Burst
from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.providers.openchoreo.full import OpenChoreoEntityProvider
from openchoreo_catalog.providers.openchoreo.incremental import (
    OpenChoreoIncrementalEntityProvider,
)
from openchoreo_catalog.simulator import SimulatorConfig, SimulatorProcess
from openchoreo_catalog.simulator.admin_client import AdminClient
from peak_rss import own_peak_rss_mib

TOKEN = "bench-token-0123456789"
PAGE_SIZE = 512
SERVICE_TYPES = ("Service",)
WEB_APPS = ("web-app", "webapp", "frontend")


def simulator_config(args: argparse.Namespace) -> SimulatorConfig:
    return SimulatorConfig(
        orgs=args.orgs,
        projects=args.projects,
        components=args.components,
        seed=args.seed,
        service_fraction=0.5,
        endpoints=2,
        token=TOKEN,
        token_ttl=3600,
    )


def is_service(kind: str) -> bool:
    if "/" not in kind:
        return kind in SERVICE_TYPES
    workload, _, name = kind.partition("/")
    return workload in ("deployment", "statefulset") and name not in WEB_APPS


def minimum(admin: AdminClient) -> dict[str, int]:
    """Fewest requests and the entity count, from the ground truth (per organization, so
    the simulator never builds the whole dataset at once)."""
    pages = lambda n: max(1, math.ceil(n / PAGE_SIZE))  # noqa: E731
    orgs = admin.dataset(components=False)["orgs"]
    lists = pages(len(orgs))
    others = services = entities = 0
    for entry in orgs:
        org = admin.dataset(entry["org"]["name"])["orgs"][0]
        lists += pages(len(org["environments"])) + pages(len(org["dataplanes"]))
        lists += pages(len(org["componentTypes"])) + pages(len(org["projects"]))
        others += len(org["componentTypes"])
        others += len({p["project"].get("deploymentPipeline") for p in org["projects"]})
        entities += 1 + len(org["environments"]) + len(org["dataplanes"])
        entities += len(org["componentTypes"]) + len(org["projects"])
        entities += len({p["pipeline"]["name"] for p in org["projects"]})
        for project in org["projects"]:
            lists += pages(len(project["components"]))
            for component in project["components"]:
                entities += 1
                if is_service(component["type"]):
                    services += 1
                    entities += len(component["workload"]["endpoints"])
    return {
        "lists": lists,
        "requests": lists + others + services,
        "entities": entities,
    }


def settings(base_url: str, concurrency: int) -> OpenChoreoSettings:
    return OpenChoreoSettings.model_validate(
        {
            "baseUrl": base_url,
            "token": TOKEN,
            "incremental": {
                "chunkSize": PAGE_SIZE,
                "maxConcurrentRequests": concurrency,
                "burstLength": 300,
            },
            "schedule": {"frequency": 86_400, "timeout": 86_400},
        }
    )


class Clients:
    def __init__(self, base_url: str, concurrency: int) -> None:
        self.base_url = base_url
        self.concurrency = concurrency
        self.made: list[OpenChoreoClient] = []

    def __call__(self) -> OpenChoreoClient:
        client = OpenChoreoClient(
            self.base_url,
            token=TOKEN,
            max_connections=max(self.concurrency, 2),
            page_size=PAGE_SIZE,
            timeout=60,
        )
        self.made.append(client)
        return client

    @property
    def requests(self) -> int:
        return sum(c.stats.total_requests for c in self.made)


class Dropping:
    """A full-sync target that keeps nothing (the provider alone)."""

    async def apply_mutation(self, provider: str, mutation: Any) -> None:
        return None


async def open_store(path: str) -> tuple[Any, Any]:
    from openchoreo_catalog.catalog import CatalogStore
    from openchoreo_catalog.db import Database

    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    return db, CatalogStore(db)


async def incremental_run(
    base_url: str, concurrency: int, store_path: str | None
) -> dict[str, Any]:
    """One cycle: through the engine's run-one-cycle-now into SQLite at ``store_path``, or
    the provider alone (its pages consumed and dropped) without one."""
    clients = Clients(base_url, concurrency)
    provider = OpenChoreoIncrementalEntityProvider(
        settings(base_url, concurrency), client_factory=clients
    )
    if store_path is not None:
        from openchoreo_catalog.ingestion.manager import IngestionEngine

        db, _ = await open_store(store_path)
        engine = IngestionEngine(db, replica="bench")
        engine.register(provider)
        started = time.perf_counter()
        summary = await engine.run_cycle(provider.name)
        wall = time.perf_counter() - started
        await db.dispose()
        if not summary.completed:
            raise SystemExit(f"the cycle did not complete: {summary.error}")
        return {
            "wall": wall,
            "entities": summary.entities,
            "pages": summary.pages,
            "requests": clients.requests,
            "degraded": summary.degraded,
        }
    entities = pages = 0
    degraded = False
    cursor: Any = None
    started = time.perf_counter()
    async with provider.around(Burst(paced=False)) as context:
        while True:
            result = await provider.next(context, cursor)
            entities += len(result.entities)
            pages += 1
            degraded = degraded or result.degraded
            if result.done:
                break
            cursor = result.cursor
    wall = time.perf_counter() - started
    return {
        "wall": wall,
        "entities": entities,
        "pages": pages,
        "requests": clients.requests,
        "degraded": degraded,
    }


async def full_run(base_url: str, concurrency: int, store_path: str | None) -> dict[str, Any]:
    clients = Clients(base_url, concurrency)
    db = None
    target: Any = Dropping()
    if store_path is not None:
        db, target = await open_store(store_path)
    provider = OpenChoreoEntityProvider(
        settings(base_url, concurrency), target, client_factory=clients
    )
    started = time.perf_counter()
    run = await provider.run_once()
    wall = time.perf_counter() - started
    if db is not None:
        await db.dispose()
    return {
        "wall": wall,
        "entities": len(run.entities),
        "requests": clients.requests,
        "degraded": run.degraded,
    }


def one(args: argparse.Namespace) -> None:
    """Child process: one configuration; prints one JSON line."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop is a dependency off Windows
        pass
    run = incremental_run if args.only == "incremental" else full_run
    result = asyncio.run(run(args.base_url, args.concurrency[0], args.store))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["peak_rss_mb"] = own_peak_rss_mib()
    result["cpu"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--projects", type=int, default=50)
    parser.add_argument("--components", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["incremental", "full"])
    parser.add_argument("--latency-ms", type=float, action="append")
    parser.add_argument("--concurrency", type=int, action="append")
    parser.add_argument(
        "--sink",
        choices=["none", "engine"],
        default="engine",
        help="engine: the engine's run-one-cycle-now (full sync: its one Full mutation) into "
        "a SQLite catalog; none: the provider alone",
    )
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        one(args)
        return
    providers = [args.only] if args.only else ["incremental", "full"]
    if args.latency_ms or args.concurrency:
        runs = [(lat, con) for lat in args.latency_ms or [0.0] for con in args.concurrency or [5]]
    else:
        runs = [(0.0, 5), (20.0, 5), (20.0, 50)]
    config = simulator_config(args)
    print(
        f"dataset: {args.orgs} orgs × {args.projects} projects × {args.components} components, "
        f"half services with 2 endpoints; simulator in its own process; sink: {args.sink}",
        flush=True,
    )
    with SimulatorProcess(config) as sim, tempfile.TemporaryDirectory() as scratch:
        need = minimum(sim.admin)
        print(
            f"minimum: {need['requests']} requests ({need['lists']} list pages), "
            f"{need['entities']} entities",
            flush=True,
        )
        header = (
            "| provider | latency | maxConcurrentRequests | wall s | entities | entities/s "
            "| requests (× minimum) | bound s | wall ÷ bound | peak RSS MB | CPU s |"
        )
        print(header)
        print("|" + "---|" * 11)
        for provider in providers:
            for latency, concurrency in runs:
                sim.admin.settings(latency_ms=latency)
                sim.admin.reset_requests()
                child = subprocess.run(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "--child",
                        "--only",
                        provider,
                        "--base-url",
                        sim.base_url,
                        "--concurrency",
                        str(concurrency),
                        *(
                            ["--store", f"{scratch}/{provider}-{latency:g}-{concurrency}.sqlite"]
                            if args.sink == "engine"
                            else []
                        ),
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if child.returncode != 0:
                    raise SystemExit(f"{provider} run failed:\n{child.stderr}")
                result = json.loads(child.stdout.strip().splitlines()[-1])
                seconds = latency / 1000
                bound = max(need["lists"] * seconds, need["requests"] * seconds / concurrency)
                ratio = f"{result['wall'] / bound:.2f}" if bound else "–"
                print(
                    f"| {provider} | {latency:g} ms | {concurrency} | {result['wall']:.1f} "
                    f"| {result['entities']} | {result['entities'] / result['wall']:,.0f} "
                    f"| {result['requests']} ({result['requests'] / need['requests']:.3f}) "
                    f"| {bound:.1f} | {ratio} | {result['peak_rss_mb']:.0f} "
                    f"| {result['cpu']:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
