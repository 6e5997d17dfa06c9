"""Replicas: three ``serve`` processes share one PostgreSQL database for three cycles. No
two bursts may ever overlap (the engine's burst log records holder, start and end of every
burst), more than one replica must have burst, no second open cycle may appear, and the
catalog must end exactly the source.

Bursts are short (``burstLength`` 1 s, the smallest) so the lease changes hands often; every
rest is ended at once through a different replica's management API (``POST …/start``).
"""

from __future__ import annotations

import itertools
import tempfile
import time
from pathlib import Path

import httpx

import chaos_check
from chaos_env import ScenarioError, Service, minutes, simulator, write_config
from chaos_pg import scratch_database

DATASET = {"orgs": 2, "projects": 4, "components": 40}
REPLICAS = 3
CYCLES = 3


def _healthy(service: Service) -> bool:
    response = httpx.get(f"{service.url}/api/catalog/incremental/health", timeout=30.0)
    response.raise_for_status()
    return bool(response.json()["data"]["healthy"])


def run() -> tuple[bool, str]:
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="chaos-replicas-") as tmp, scratch_database() as url:
        work = Path(tmp)
        sim = simulator(**DATASET)
        config = write_config(work / "app-config.yaml", sim.url, url, burstLength=1, chunkSize=50)
        replicas = [Service(config, work / f"replica{i}") for i in range(REPLICAS)]
        try:
            for replica in replicas:
                replica.spawn()
            for replica in replicas:
                replica.wait_ready()
            completed: list[str] = []
            unhealthy = 0
            rotation = itertools.cycle(replicas)
            deadline = time.monotonic() + 300
            while len(completed) < CYCLES:
                if time.monotonic() > deadline:
                    raise ScenarioError(f"only {len(completed)} cycles completed in 300 s")
                replica = next(rotation)
                current = replica.detail().get("current") or {}
                unhealthy += 0 if _healthy(replica) else 1
                if current.get("nextAction") == "rest":
                    if current["id"] not in completed:
                        completed.append(current["id"])
                    if len(completed) < CYCLES:
                        replica.start_cycle()
                time.sleep(0.2)  # polling interval
        finally:
            codes = [replica.stop() for replica in replicas]
        try:
            count, problems = chaos_check.differences(url, sim.admin)
            rows = chaos_check.burst_log(url)
        finally:
            sim.stop()
    overlapping = chaos_check.overlaps(rows)
    holders = {row.holder.split("/")[0] for row in rows}
    figures = (
        f"{REPLICAS} replicas, {len(completed)} cycles, {len(rows)} bursts by {len(holders)} "
        f"replicas, {len(overlapping)} overlaps, {unhealthy} duplicate-cycle sightings, "
        f"{count:,} entities {'exact' if not problems else 'NOT exact'}, "
        f"{minutes(time.monotonic() - began)}"
    )
    if problems or overlapping:
        return False, f"{figures}: {chaos_check.verdict(problems + overlapping)}"
    passed = len(holders) >= 2 and unhealthy == 0 and codes == [0] * REPLICAS
    return passed, figures + ("" if codes == [0] * REPLICAS else f" (exit codes {codes})")
