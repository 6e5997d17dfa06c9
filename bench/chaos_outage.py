"""Source outage: the API first answers with no organizations at all, then with 90 % of
the projects hidden (authorization filtering gone wrong). With the safety limits on
(``rejectEmptySourceCollections``, ``rejectRemovalsAbovePercentage``) neither cycle may
remove anything, and the provider's ``lastError`` (management API) must say why. When the
source recovers, the next cycle must be exact — including the removal of components that
were really deleted before and during the outage.
"""

from __future__ import annotations

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
from openchoreo_catalog.simulator import AdminClient

DATASET = {"orgs": 2, "projects": 10, "components": 20}
LIMIT = 20
OUTAGES = [
    (
        "empty org list",
        {"kind": "hide", "match": "/orgs$", "fraction": 1.0},
        "rejectEmptySourceCollections",
    ),
    (
        "90 % of projects hidden",
        {"kind": "hide", "match": "/projects$", "fraction": 0.9},
        "rejectRemovalsAbovePercentage",
    ),
]


def _delete_components(admin: AdminClient, count: int) -> int:
    """Really delete ``count`` components (the first of each project, round robin)."""
    deleted = 0
    for entry in admin.dataset()["orgs"]:
        for project in entry["projects"]:
            if deleted < count and project["components"]:
                name = project["components"][0]["name"]
                admin.remove_component(entry["org"]["name"], project["project"]["name"], name)
                deleted += 1
    return deleted


def _cycle(service: Service) -> dict[str, object]:
    """End the rest now and wait for the cycle that follows to complete."""
    previous = service.detail()["current"]["id"]
    service.start_cycle()
    return wait_until(
        lambda: resting_after(service, previous), timeout=180, what="the next cycle", interval=0.3
    )


def run() -> tuple[bool, str]:
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="chaos-outage-") as tmp:
        work = Path(tmp)
        database = str(work / "catalog.sqlite")
        sim = simulator(**DATASET)
        config = write_config(
            work / "app-config.yaml",
            sim.url,
            database,
            rejectEmptySourceCollections=True,
            rejectRemovalsAbovePercentage=LIMIT,
        )
        service = Service(config, work / "serve")
        try:
            service.start()
            wait_until(lambda: resting_after(service, None), timeout=120, what="the first cycle")
            count, problems = chaos_check.differences(database, sim.admin)
            if problems:
                raise ScenarioError(
                    f"the first cycle was not exact: {chaos_check.verdict(problems)}"
                )
            before = set(chaos_check.catalog(database))
            deleted = _delete_components(sim.admin, 3)
            reports = []
            for name, fault, reason in OUTAGES:
                rule = sim.admin.add_fault(**fault)
                deleted += _delete_components(sim.admin, 1)
                detail = _cycle(service)
                sim.admin.remove_fault(rule)
                kept = set(chaos_check.catalog(database)) == before
                error = str(detail.get("lastError") or "")
                if not kept or reason not in error:
                    raise ScenarioError(
                        f"{name}: catalog {'kept' if kept else 'CHANGED'}, lastError {error!r}"
                    )
                reports.append(f"{name}: nothing removed, lastError names {reason}")
            recovered = _cycle(service)
            count, problems = chaos_check.differences(database, sim.admin)
        finally:
            service.stop()
            sim.stop()
    figures = (
        f"{'; '.join(reports)}; recovered: {count:,} entities "
        f"{'exact' if not problems else 'NOT exact'}, {deleted} deleted components gone, "
        f"{minutes(time.monotonic() - began)}"
    )
    if problems:
        return False, f"{figures}: {chaos_check.verdict(problems)}"
    return recovered.get("lastError") is None, figures
