"""Database outage: the service's PostgreSQL is stopped in the middle of a burst and
started again a few seconds later; the service must back off, recover on its own (no
restart) and finish the cycle with the catalog exactly the source.

The server is a private throw-away cluster (``chaos_pg.PrivateCluster``): the shared one
serves other test runs and must never be restarted.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from pathlib import Path

import chaos_check
from chaos_env import (
    ScenarioError,
    Service,
    minutes,
    resting_after,
    simulator,
    wait_until,
    write_config,
)
from chaos_pg import PrivateCluster

DATASET = {"orgs": 2, "projects": 10, "components": 150}
THRESHOLD = 2_000
"""Entities committed before the server goes down: well into the first burst."""
DOWN_SECONDS = 5.0
"""How long the server stays down (a schedule, not a synchronisation)."""


def _seen(service: Service) -> int:
    current = service.detail().get("current") or {}
    return int(current.get("entitiesSeen") or 0)


def run() -> tuple[bool, str]:
    began = time.monotonic()
    cluster = PrivateCluster()
    with tempfile.TemporaryDirectory(prefix="chaos-dbdown-") as tmp:
        work = Path(tmp)
        sim = simulator(**DATASET)
        service: Service | None = None
        try:
            cluster.init()
            config = write_config(work / "app-config.yaml", sim.url, cluster.url, chunkSize=100)
            service = Service(config, work / "serve").start()
            threshold = 3_000
            wait_until(
                lambda: _seen(service) >= threshold, timeout=120, what="the burst to be under way"
            )
            at = _seen(service)
            cluster.stop("fast")
            down_at = time.monotonic()
            time.sleep(DOWN_SECONDS)  # the outage's length: a schedule
            cluster.start()
            up_at = time.monotonic()
            if not service.alive:
                raise ScenarioError(f"serve died during the outage: {service.tail(service.runs)}")
            detail = wait_until(
                lambda: resting_after(service, None) if _healthy(service) else None,
                timeout=240,
                what="the cycle to complete after the outage",
                interval=0.5,
            )
            recovered = time.monotonic() - up_at
            failures = _failed_bursts(service.log_text())
            alive = service.alive
            count, problems = chaos_check.differences(cluster.url, sim.admin)
            record = chaos_check.cycle(cluster.url, detail["current"]["id"])
        finally:
            if service is not None:
                service.stop()
            sim.stop()
            cluster.remove()
    figures = (
        f"PostgreSQL down {up_at - down_at:.0f} s at {at:,} entities into the burst, "
        f"{failures} burst(s) failed, cycle done {recovered:.0f} s after the restart, "
        f"{count:,} entities {'exact' if not problems else 'NOT exact'}, "
        f"{record.pages_applied_twice} pages applied twice, {minutes(time.monotonic() - began)}"
    )
    if problems:
        return False, f"{figures}: {chaos_check.verdict(problems)}"
    return alive and record.exactly_once, figures


def _failed_bursts(log: str) -> int:
    """``burst ended`` log lines (JSON) whose outcome is ``failed``."""
    count = 0
    for line in log.splitlines():
        with contextlib.suppress(ValueError):
            record = json.loads(line)
            count += record.get("message") == "burst ended" and record.get("outcome") == "failed"
    return count


def _healthy(service: Service) -> bool:
    """The management API answers (it fails while the database is down)."""
    try:
        service.detail()
    except Exception:
        return False
    return True
