"""kill -9: the service is SIGKILLed 30 times at random moments of one ~150,000-entity
cycle and restarted each time; the cycle must end with the catalog exactly the source and
every page committed exactly once.

Kill moments are spread over the cycle: each kill has a random progress target (a share of
the entities) and fires a random fraction of a second after the cycle passes it — so kills
land in page fetches and page commits; when a restart finds its target already
passed, the kill comes at a random instant of the start-up instead (migrations, first tick).

A killed replica's lease would block its successor for ``burstLength`` + 60 s; the script
fast-forwards that expiry in the database (the process is known to be dead), as
``tests/ingestion/test_crash.py`` does, so 30 restarts fit the time budget.
"""

from __future__ import annotations

import random
import sqlite3
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

KILLS = 30
DATASET = {"orgs": 30, "projects": 2, "components": 1250, "service_fraction": 0.5, "endpoints": 2}
"""75,000 components, half of them services with two endpoints: ~150,000 entities. Two
projects per organization: the simulator draws component names per project, so many
projects in one organization would collide on names (one ref for two components)."""
APPROXIMATE_TOTAL = 75_000 * 2
"""What the kill targets are spread over (the exact figure needs the whole dataset)."""
SEED = 20261126


def _progress(database: Path) -> tuple[int, str | None]:
    """(entities the open cycle has committed, its next action), straight from SQLite."""
    try:
        with sqlite3.connect(database, timeout=30) as conn:
            row = conn.execute(
                "SELECT entities_seen, next_action FROM ingestions WHERE completion_ticket = 'open'"
            ).fetchone()
    except sqlite3.OperationalError:  # not migrated yet
        return 0, None
    return (int(row[0]), str(row[1])) if row else (0, None)


def _expire_leases(database: Path) -> None:
    with sqlite3.connect(database, timeout=30) as conn:
        conn.execute("UPDATE ingestion_leases SET holder = NULL, expires_at = 0")


def run() -> tuple[bool, str]:
    began = time.monotonic()
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory(prefix="chaos-kill-") as tmp:
        work = Path(tmp)
        database = work / "catalog.sqlite"
        sim = simulator(**DATASET)
        service: Service | None = None
        try:
            total = APPROXIMATE_TOTAL
            config = write_config(work / "app-config.yaml", sim.url, str(database), chunkSize=512)
            service = Service(config, work / "serve").spawn()
            kills = in_startup = 0
            for target in sorted(rng.uniform(0.01, 0.97) * total for _ in range(KILLS)):
                if _progress(database)[0] >= target:
                    in_startup += 1
                    time.sleep(rng.uniform(0.0, 3.0))  # a random instant of the start-up
                else:
                    wait_until(
                        lambda t=target: _progress(database)[0] >= t or not service.alive,
                        timeout=600,
                        what=f"the cycle to pass {target:,.0f} entities",
                        interval=0.05,
                    )
                    time.sleep(rng.uniform(0.0, 0.5))  # a random instant, not a sync point
                if not service.alive:
                    raise ScenarioError(f"serve exited by itself: {service.tail(service.runs)}")
                if _progress(database)[1] == "rest":
                    raise ScenarioError(f"the cycle completed after only {kills} kills")
                service.kill()
                kills += 1
                _expire_leases(database)
                service.spawn()
            service.wait_ready()
            detail = wait_until(
                lambda: resting_after(service, None),
                timeout=600,
                what="the cycle to complete after the last kill",
                interval=0.5,
            )
            service.stop()
            count, problems = chaos_check.differences(str(database), sim.admin)
            record = chaos_check.cycle(str(database), detail["current"]["id"])
        finally:
            if service is not None:
                service.stop()
            sim.stop()
    figures = (
        f"{kills} kills ({in_startup} in start-up), {count:,} entities "
        f"{'exact' if not problems else 'NOT exact'} ({record.entities_seen:,} emitted), "
        f"{record.pages_applied_twice} pages "
        f"applied twice ({record.marks} marks 0..{record.marks - 1} once each at "
        f"{record.positions} distinct positions), "
        f"{minutes(time.monotonic() - began)}"
    )
    if problems:
        return False, f"{figures}: {chaos_check.verdict(problems)}"
    return record.exactly_once, figures
