"""Benchmark: a full client walk of one large component list, and the simulator's page cost.

    .venv/bin/python bench/pagination.py [--components 100000] [--limit 512] [--repeat 3]

1. Starts the simulator as a separate process (``SimulatorProcess``) with one project of
   ``--components`` components, walks it ``--repeat`` times with
   ``OpenChoreoClient.all_components(limit=...)`` (HTTP, JSON parsing, pydantic models, the
   pagination core) and prints items/s and pages/s of the best and the median walk.
2. Times the simulator's own work for one 512-item page (routing, generation, snapshot
   lookup, JSON encoding) by calling its ASGI app in this process, without a network.

Timings are printed, never asserted; results and the command go in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import statistics
import time
from typing import Any

import orjson

from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.simulator import SimulatorApp, SimulatorConfig, SimulatorProcess


async def walk(
    base_url: str, org: str, project: str, limit: int
) -> tuple[int, float, dict[str, Any]]:
    async with OpenChoreoClient(base_url, max_connections=2) as client:
        started = time.perf_counter()
        items = await client.all_components(org, project, limit=limit, timeout=600)
        elapsed = time.perf_counter() - started
        return len(items), elapsed, client.stats.snapshot()


async def server_page_times(components: int, limit: int, pages: int) -> list[float]:
    """Seconds the simulator spends on each of ``pages`` consecutive pages, in process."""
    app = SimulatorApp(SimulatorConfig(orgs=1, projects=1, components=components))
    org = app.world.orgs().base.name(0)
    project = app.world.projects(org).base.name(0)
    path = f"/api/v1/orgs/{org}/projects/{project}/components"
    body: dict[str, bytes] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            body["last"] = message["body"]

    times, token = [], None
    for _ in range(pages):
        query = f"limit={limit}" + (f"&continue={token}" if token else "")
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": [],
        }
        started = time.perf_counter()
        await app(scope, receive, send)
        times.append(time.perf_counter() - started)
        token = orjson.loads(body["last"])["data"]["metadata"].get("continue")
        if not token:
            break
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--components", type=int, default=100_000)
    parser.add_argument("--limit", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    config = SimulatorConfig(orgs=1, projects=1, components=args.components, seed=1)
    pages = math.ceil(args.components / args.limit)
    print(f"machine: {os.cpu_count()} cores; {args.components:,} components, limit={args.limit}")
    with SimulatorProcess(config) as simulator:
        truth = simulator.admin.dataset(components=False)["orgs"][0]
        org, project = truth["org"]["name"], truth["projects"][0]["project"]["name"]
        walks = []
        for n in range(args.repeat):
            count, elapsed, stats = asyncio.run(walk(simulator.base_url, org, project, args.limit))
            assert count == args.components, f"walk {n} returned {count} items"
            walks.append(elapsed)
            print(
                f"  walk {n + 1}: {elapsed:.2f} s, {count / elapsed:,.0f} items/s, "
                f"{pages / elapsed:,.1f} pages/s, {stats['bytesReceived'] / 1e6:.1f} MB"
            )
    best, median = min(walks), statistics.median(walks)
    print(
        f"client walk (best of {args.repeat}): {args.components / best:,.0f} items/s, "
        f"{pages / best:,.1f} pages/s, {best / pages * 1000:.2f} ms per page round trip"
    )
    print(
        f"client walk (median): {args.components / median:,.0f} items/s, "
        f"{pages / median:,.1f} pages/s"
    )
    times = asyncio.run(server_page_times(1_000_000, 512, 200))
    times.sort()
    print(
        f"simulator, one 512-item page of a 1,000,000-component project, in process: "
        f"median {statistics.median(times) * 1000:.2f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms, max {times[-1] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
