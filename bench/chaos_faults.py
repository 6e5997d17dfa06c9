"""API faults: one cycle against an API that misbehaves the ways real ones do — 5 % 5xx,
2 % 429 with ``Retry-After``, 1 % dropped connections, a continue token expiring every 20
continuations, 10 % short pages — must leave the catalog exactly the source and must not
remove a single existing entity.

The catalog is first filled by a clean cycle (``ingest --once``); the faulty cycle then
runs under ``serve`` (retries, backoff and resume as in production). Removals are counted
twice: the cycle's own counter and the ``catalog_incremental_entities_removed`` metric.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import chaos_check
from chaos_env import (
    Service,
    ingest_once,
    minutes,
    resting_after,
    simulator,
    wait_until,
    write_config,
)

DATASET = {"orgs": 3, "projects": 4, "components": 100}
FAULTS = [
    {"kind": "error", "rate": 0.05, "status": 503},
    {"kind": "throttle", "rate": 0.02, "retryAfter": "1"},
    {"kind": "drop", "rate": 0.01},
    {"kind": "expire", "on": "continue", "every": 20},
    {"kind": "short", "rate": 0.10},
]
NAMES = {
    "error": "5xx",
    "throttle": "429",
    "drop": "drops",
    "expire": "expired tokens",
    "short": "short pages",
}


def _removed_metric(text: str) -> float:
    """The sum of ``catalog_incremental_entities_removed*`` samples in Prometheus text."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith("catalog_incremental_entities_removed") and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


def run() -> tuple[bool, str]:
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="chaos-faults-") as tmp:
        work = Path(tmp)
        database = str(work / "catalog.sqlite")
        sim = simulator(**DATASET)
        try:
            config = write_config(work / "app-config.yaml", sim.url, database, chunkSize=25)
            ingest_once(config)
            count, problems = chaos_check.differences(database, sim.admin)
            if problems:
                return False, f"the clean cycle was not exact: {chaos_check.verdict(problems)}"
            sim.admin.reset_requests()
            for fault in FAULTS:
                sim.admin.add_fault(**fault)
            service = Service(config, work / "serve").start()
            try:
                first = service.detail()["current"]["id"]
                service.start_cycle()
                detail = wait_until(
                    lambda: resting_after(service, first),
                    timeout=300,
                    what="the faulty cycle to complete",
                    interval=0.5,
                )
                removed_metric = _removed_metric(service.metrics())
            finally:
                service.stop()
            applied = {rule["kind"]: rule["applied"] for rule in sim.admin.faults()}
            requests = sim.admin.requests(recent=False)["total"]
            sim.admin.clear_faults()
            count, problems = chaos_check.differences(database, sim.admin)
            record = chaos_check.cycle(database, detail["current"]["id"])
        finally:
            sim.stop()
    injected = ", ".join(f"{applied.get(kind, 0)} {name}" for kind, name in NAMES.items())
    removals = record.entities_removed + int(removed_metric)
    figures = (
        f"{requests:,} requests ({injected}), {count:,} entities "
        f"{'exact' if not problems else 'NOT exact'}, {removals} removals, "
        f"{minutes(time.monotonic() - began)}"
    )
    if problems:
        return False, f"{figures}: {chaos_check.verdict(problems)}"
    every_fault = all(applied.get(kind, 0) > 0 for kind in NAMES)
    return removals == 0 and every_fault, figures + (
        "" if every_fault else " (a fault never fired)"
    )
