"""Churn: while cycles run, 2 % of the components are added and 2 % removed every 10 s
(through ``/__admin``); once the churn stops the catalog must be exactly the source within
two cycles (the cycle running when it stopped may have walked past a change; the next one
cannot have).

Cycles are paced (small pages, a pause between them) so each lasts several churn periods,
and each rest is ended at once through the management API (``POST …/start``).
"""

from __future__ import annotations

import random
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

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

DATASET = {"orgs": 2, "projects": 5, "components": 100}
CHURN_SECONDS = 35.0
"""At least this long (four churn rounds) ..."""
CYCLES_UNDER_CHURN = 2
"""... and at least this many cycles completed while the churn went on."""
MAX_CHURN_SECONDS = 240.0
PERIOD = 10.0
SHARE = 0.02
SEED = 7


class Churn(threading.Thread):
    """Adds and removes ``SHARE`` of the components every ``PERIOD`` seconds until stopped."""

    def __init__(self, admin: AdminClient, components: list[tuple[str, str, str]]) -> None:
        super().__init__(name="churn", daemon=True)
        self.admin = admin
        self.components = components
        self.rng = random.Random(SEED)
        self.halt = threading.Event()
        self.added = self.removed = self.rounds = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.halt.wait(0 if self.rounds == 0 else PERIOD):  # the schedule
                self._round()
        except BaseException as error:  # reported by the scenario
            self.error = error

    def _round(self) -> None:
        count = max(1, round(len(self.components) * SHARE))
        for org, project, name in self.rng.sample(self.components, count):
            self.admin.remove_component(org, project, name)
            self.components.remove((org, project, name))
            self.removed += 1
        for _ in range(count):
            org, project, _name = self.rng.choice(self.components)
            name = f"churn-{self.rounds}-{self.added}"
            self.admin.add_component(org, project, name)
            self.components.append((org, project, name))
            self.added += 1
        self.rounds += 1


def _components(dataset: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (entry["org"]["name"], project["project"]["name"], component["name"])
        for entry in dataset["orgs"]
        for project in entry["projects"]
        for component in project["components"]
    ]


def _keep_cycling(service: Service) -> int:
    """End every rest at once until ``CYCLES_UNDER_CHURN`` cycles completed and at least
    ``CHURN_SECONDS`` passed; the number of cycles completed."""
    completed: set[str] = set()
    began = time.monotonic()
    while len(completed) < CYCLES_UNDER_CHURN or time.monotonic() - began < CHURN_SECONDS:
        if time.monotonic() - began > MAX_CHURN_SECONDS:
            raise ScenarioError(f"only {len(completed)} cycles in {MAX_CHURN_SECONDS:g} s of churn")
        current = service.detail().get("current") or {}
        if current.get("nextAction") == "rest":
            completed.add(current["id"])
            service.start_cycle()
        time.sleep(0.3)  # polling interval
    return len(completed)


def run() -> tuple[bool, str]:
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="chaos-churn-") as tmp:
        work = Path(tmp)
        database = str(work / "catalog.sqlite")
        sim = simulator(**DATASET)
        service: Service | None = None
        try:
            churn = Churn(sim.admin, _components(sim.admin.dataset()))
            config = write_config(
                work / "app-config.yaml", sim.url, database, chunkSize=20, batchDelayMs=150
            )
            service = Service(config, work / "serve").start()
            churn.start()
            during = _keep_cycling(service)
            churn.halt.set()
            churn.join()
            if churn.error is not None:
                raise churn.error
            current = service.detail()["current"]
            previous = None
            if current["nextAction"] == "rest":  # the cycle that saw churn is over: skip it
                previous = current["id"]
                service.start_cycle()
            verdicts = []
            for _ in range(2):
                detail = wait_until(
                    lambda p=previous: resting_after(service, p),
                    timeout=180,
                    what="a cycle after the churn to complete",
                    interval=0.3,
                )
                previous = detail["current"]["id"]
                count, problems = chaos_check.differences(database, sim.admin)
                verdicts.append(problems)
                if not problems:
                    break
                service.start_cycle()
        finally:
            if service is not None:
                service.stop()
            sim.stop()
    exact_after = next((i + 1 for i, problems in enumerate(verdicts) if not problems), None)
    figures = (
        f"{churn.rounds} churn rounds ({churn.added} added, {churn.removed} removed) over "
        f"{during} cycles, {count:,} entities "
        + (f"exact after {exact_after} cycle(s)" if exact_after else "NOT exact after 2 cycles")
        + f", {minutes(time.monotonic() - began)}"
    )
    if exact_after is None:
        return False, f"{figures}: {chaos_check.verdict(verdicts[-1])}"
    return True, figures
