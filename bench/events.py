"""10,000 events at the HTTP ingress of a running service: accepted/s, and the delay until
each is visible in the catalog (p50/p99).

Set-up: the simulator in a child process (one organization; a project of ``--events`` new
components is added after the first cycle, so only the events can bring them in), and
``openchoreo-catalog serve`` in another child process on SQLite (or ``--database URL``).
This script then posts one ``openchoreo.component`` "created" event per new component over
``--connections`` keep-alive connections (a small asyncio HTTP/1.1 client: httpx's pool
would be the bottleneck, not the service), recording when each 202 came back.

Visibility: every 50 ms the script asks the catalog how many of the new components it holds
(``by-query`` with ``limit=0``). The inbox applies events in arrival order, so the k-th
accepted event is visible once the catalog holds k of them; its delay is that moment minus
its acceptance (to within the 50 ms poll).

Usage (from the repository root, after ``make venv``)::

    .venv/bin/python bench/events.py                       # 10,000 events, SQLite
    .venv/bin/python bench/events.py --events 2000 --connections 16
    .venv/bin/python bench/events.py --database postgresql://postgres@127.0.0.1:5432/bench_events
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson
import yaml

from openchoreo_catalog.simulator import SimulatorConfig, SimulatorProcess

SIM_TOKEN = "bench-sim-token-0123456789"
API_TOKEN = "bench-api-token-0123456789"
PROVIDER = "OpenChoreoIncrementalEntityProvider"
READY = "openchoreo-catalog serving on "
PROJECT = "proj-0900-events"


def write_config(directory: Path, simulator_url: str, database: str | None) -> Path:
    connection: dict[str, Any] = {"client": "sqlite3", "connection": str(directory / "c.sqlite")}
    if database:
        connection = {"client": "pg" if "postgres" in database else "mysql2",
                      "connection": database}  # fmt: skip
    tree = {
        "openchoreo": {
            "baseUrl": simulator_url,
            "token": SIM_TOKEN,
            "incremental": {"burstLength": 300, "burstInterval": 300, "restLength": 1440,
                            "batchDelayMs": 0},
        },
        "backend": {
            "listen": {"host": "127.0.0.1", "port": 0},
            "database": connection,
            "auth": {"externalAccess": [{"type": "static",
                                         "options": {"token": API_TOKEN, "subject": "bench"}}]},
        },
    }  # fmt: skip
    path = directory / "app-config.yaml"
    path.write_text(yaml.safe_dump(tree))
    return path


def start_serve(config: Path, logs: Path) -> tuple[subprocess.Popen[bytes], str]:
    out = (logs / "serve.out").open("wb")
    err = (logs / "serve.err").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "openchoreo_catalog", "serve", "--config", str(config),
         "--log-level", "warning"],
        stdout=out, stderr=err, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for line in (logs / "serve.out").read_text().splitlines():
            if line.startswith(READY):
                return process, line.removeprefix(READY).split()[0]
        if process.poll() is not None:
            raise SystemExit(f"serve exited: {(logs / 'serve.err').read_text()[-2000:]}")
        time.sleep(0.05)
    raise SystemExit("serve did not start within 60 s")


def wait_first_cycle(url: str) -> None:
    deadline = time.monotonic() + 300
    with httpx.Client(base_url=url) as client:
        while time.monotonic() < deadline:
            data = client.get(f"/api/catalog/incremental/providers/{PROVIDER}").json()["data"]
            if (data.get("current") or {}).get("nextAction") == "rest":
                return
            time.sleep(0.1)
    raise SystemExit("the first cycle did not finish")


async def post_events(
    url: str, org: str, names: list[str], connections: int
) -> tuple[float, list[float]]:
    """Post one event per name; return the start time and each 202's arrival time."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    bodies = iter(
        orjson.dumps({"action": "created", "organization": org, "project": PROJECT,
                      "component": name})
        for name in names
    )  # fmt: skip
    accepted: list[float] = []
    path = "/api/events/http/openchoreo.component"

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for body in bodies:
                head = (
                    f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    f"Authorization: Bearer {API_TOKEN}\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n"
                ).encode()
                writer.write(head + body)
                status_line = await reader.readline()
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                await reader.readexactly(length)
                if b" 202 " not in status_line:
                    raise SystemExit(f"event refused: {status_line!r}")
                accepted.append(time.perf_counter())
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return started, accepted


async def watch(url: str, expected: int, stop: asyncio.Event) -> list[tuple[float, int]]:
    """(time, visible count) every 50 ms until every event is visible."""
    seen: list[tuple[float, int]] = []
    params = {"filter": f"kind=component,spec.system={PROJECT}", "limit": 0}
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        while True:
            response = await client.get("/api/catalog/entities/by-query", params=params)
            count = int(response.json()["totalItems"])
            seen.append((time.perf_counter(), count))
            if count >= expected or stop.is_set():
                return seen
            await asyncio.sleep(0.05)


async def measure(url: str, org: str, names: list[str], connections: int) -> dict[str, Any]:
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch(url, len(names), stop))
    started, accepted = await post_events(url, org, names, connections)
    try:
        seen = await asyncio.wait_for(watcher, timeout=600)
    except TimeoutError:
        stop.set()
        seen = await watcher
    accepted.sort()
    delays: list[float] = []
    index = 0
    for k, at in enumerate(accepted, start=1):
        while index < len(seen) and seen[index][1] < k:
            index += 1
        if index == len(seen):
            break
        delays.append(max(0.0, seen[index][0] - at))
    quantiles = statistics.quantiles(delays, n=100) if len(delays) > 1 else [0.0] * 99
    return {
        "events": len(names),
        "accepted_seconds": accepted[-1] - started,
        "accepted_per_second": len(accepted) / (accepted[-1] - started),
        "visible": seen[-1][1],
        "all_visible_seconds": seen[-1][0] - started,
        "delay_p50": quantiles[49],
        "delay_p99": quantiles[98],
        "delay_max": max(delays) if delays else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--database", help="SQLAlchemy-style URL (default: SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-events-") as scratch:
        directory = Path(scratch)
        config = SimulatorConfig(orgs=1, projects=1, components=10, seed=3, token=SIM_TOKEN)
        with SimulatorProcess(config) as sim:
            serve, url = start_serve(write_config(directory, sim.base_url, args.database),
                                     directory)  # fmt: skip
            try:
                wait_first_cycle(url)
                org = sim.admin.dataset(components=False)["orgs"][0]["org"]["name"]
                sim.admin.add_project(org, PROJECT, components=args.events)
                entry = sim.admin.dataset(org)["orgs"][0]
                [project] = [p for p in entry["projects"] if p["project"]["name"] == PROJECT]
                names = [c["name"] for c in project["components"]]
                result = asyncio.run(measure(url, org, names, args.connections))
            finally:
                serve.terminate()
                serve.wait(60)
    database = "PostgreSQL" if args.database and "postgres" in args.database else (
        "MariaDB" if args.database else "SQLite")  # fmt: skip
    print(f"events: {result['events']:,} over {args.connections} connections, {database}")
    print(f"accepted: {result['accepted_per_second']:,.0f}/s "
          f"(all 202s in {result['accepted_seconds']:.2f} s)")  # fmt: skip
    print(f"visible: {result['visible']:,} of {result['events']:,}, all within "
          f"{result['all_visible_seconds']:.2f} s of the first post")  # fmt: skip
    print(f"delay from 202 to visible: p50 {result['delay_p50']:.2f} s, "
          f"p99 {result['delay_p99']:.2f} s, max {result['delay_max']:.2f} s")  # fmt: skip
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
