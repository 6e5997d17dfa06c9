"""``serve`` end to end: the simulator and the service as child processes over loopback.

The catalog converges to the simulator's data (computed independently by the providers'
oracle), follows changes after a trigger (HTTP, and the CLI against the database), shows an
event at once, keeps or sweeps an immediate insert at the next cycle, and survives SIGTERM
in the middle of a burst: exit 0, leases released, and a restart resumes the same cycle.
"""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path
from typing import Any

from openchoreo_catalog.simulator import SimulatorProcess
from tests.service.catalog import detail, problems, resting
from tests.service.conftest import SIM_TOKEN, ServeFactory
from tests.service.harness import API_TOKEN, AUTH, PROVIDER, cli, wait_until, write_config

EVENTS = "/api/events/http"
TRIGGER = f"/api/catalog/incremental/providers/{PROVIDER}/trigger"


def first_project(sim: SimulatorProcess) -> tuple[str, str, list[dict[str, Any]]]:
    entry = sim.admin.dataset()["orgs"][0]
    project = entry["projects"][0]
    return entry["org"]["name"], project["project"]["name"], project["components"]


def test_the_catalog_converges_and_follows_changes_after_trigger(
    sim: SimulatorProcess, config: Path, serve: ServeFactory
) -> None:
    server = serve(config)
    with server.client() as client:
        first = wait_until(lambda: resting(client), what="the first cycle")
        assert problems(client, sim.admin) == []
        assert first["entitiesActive"] > 50

        org, project, components = first_project(sim)
        sim.admin.add_component(org, project, "comp-0900-added")
        sim.admin.remove_component(org, project, components[-1]["name"])
        assert client.post(TRIGGER, headers=AUTH).status_code == 200
        second = wait_until(
            lambda: resting(client, after=first["current"]["id"]), what="the second cycle"
        )
        assert problems(client, sim.admin) == []
        assert second["current"]["entitiesRemoved"] >= 1

        other = sim.admin.dataset(components=False)["orgs"][1]
        sim.admin.remove_project(other["org"]["name"], other["projects"][0]["project"]["name"])
        done = cli("trigger", PROVIDER, "--config", str(config))
        assert done.returncode == 0, done.stderr
        wait_until(
            lambda: resting(client, after=second["current"]["id"]),
            timeout=60,
            what="the cycle the CLI triggered",
        )
        assert problems(client, sim.admin) == []
    assert server.stop() == 0
    assert "Traceback" not in server.output()


def test_an_event_shows_at_once(sim: SimulatorProcess, config: Path, serve: ServeFactory) -> None:
    server = serve(config)
    with server.client() as client:
        wait_until(lambda: resting(client), what="the first cycle")
        org, project, components = first_project(sim)
        sim.admin.add_component(org, project, "comp-0910-evented", type="deployment/service")
        payload = {
            "action": "created",
            "organization": org,
            "project": project,
            "component": "comp-0910-evented",
        }
        accepted = client.post(f"{EVENTS}/openchoreo.component", json=payload, headers=AUTH)
        assert accepted.status_code == 202, accepted.text
        by_name = f"/api/catalog/entities/by-name/component/{org}/comp-0910-evented"
        entity = wait_until(
            lambda: client.get(by_name).status_code == 200 and client.get(by_name).json(),
            timeout=10,
            what="the component of the event",
        )
        assert entity["spec"]["system"] == project
        assert entity["spec"].get("providesApis"), "a service brings its APIs"

        gone = components[0]["name"]
        sim.admin.remove_component(org, project, gone)
        deleted = {**payload, "action": "deleted", "component": gone}
        assert client.post(f"{EVENTS}/openchoreo.component", json=deleted, headers=AUTH).is_success
        wait_until(
            lambda: (
                client.get(f"/api/catalog/entities/by-name/component/{org}/{gone}").status_code
                == 404
            ),
            timeout=10,
            what="the deleted component to leave",
        )
        assert problems(client, sim.admin) == []
    assert server.stop() == 0


def scaffolded(org: str, project: str, name: str) -> dict[str, Any]:
    """A component as a scaffolder action would insert it, before any cycle saw it."""
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {
            "name": name,
            "namespace": org,
            "annotations": {
                "openchoreo.io/organization": org,
                "openchoreo.io/project": project,
                "openchoreo.io/component": name,
            },
        },
        "spec": {
            "type": "service",
            "lifecycle": "experimental",
            "owner": "guests",
            "system": project,
        },
    }


def test_an_immediate_insert_shows_at_once_and_the_next_cycle_keeps_or_sweeps_it(
    sim: SimulatorProcess, config: Path, serve: ServeFactory
) -> None:
    server = serve(config)
    with server.client() as client:
        first = wait_until(lambda: resting(client), what="the first cycle")
        org, project, _ = first_project(sim)
        sim.admin.add_component(org, project, "comp-0920-scaffolded")
        immediate = "/api/catalog/immediate/entities"
        kept = client.post(
            immediate, json=scaffolded(org, project, "comp-0920-scaffolded"), headers=AUTH
        )
        ghost = client.post(
            immediate, json={"entity": scaffolded(org, project, "comp-0921-ghost")}, headers=AUTH
        )
        assert (kept.status_code, ghost.status_code) == (201, 201), ghost.text
        assert kept.json()["entityRef"] == f"component:{org}/comp-0920-scaffolded"
        for name in ("comp-0920-scaffolded", "comp-0921-ghost"):
            served = client.get(f"/api/catalog/entities/by-name/component/{org}/{name}")
            assert served.status_code == 200, name
        invalid = scaffolded(org, project, "-bad-")
        rejected = client.post(immediate, json=invalid, headers=AUTH)
        assert rejected.status_code == 400
        assert "metadata.name" in rejected.json()["error"]["message"]

        assert client.post(TRIGGER, headers=AUTH).status_code == 200
        wait_until(lambda: resting(client, after=first["current"]["id"]), what="the next cycle")
        kept_now = client.get(f"/api/catalog/entities/by-name/component/{org}/comp-0920-scaffolded")
        assert kept_now.status_code == 200
        assert kept_now.json()["metadata"]["annotations"]["openchoreo.io/component-uid"]
        ghost_now = client.get(f"/api/catalog/entities/by-name/component/{org}/comp-0921-ghost")
        assert ghost_now.status_code == 404
        assert problems(client, sim.admin) == []
    assert server.stop() == 0


def lease_holder(database: Path) -> str | None:
    with sqlite3.connect(database) as conn:
        row = conn.execute(
            "SELECT holder FROM ingestion_leases WHERE provider_name = ?", (PROVIDER,)
        ).fetchone()
    return None if row is None else row[0]


def bursts(database: Path, ingestion: str) -> list[tuple[str, int]]:
    with sqlite3.connect(database) as conn:
        return conn.execute(
            "SELECT outcome, pages FROM ingestion_bursts WHERE ingestion_id = ? ORDER BY id",
            (ingestion,),
        ).fetchall()


def test_sigterm_during_a_burst_exits_cleanly_and_a_restart_resumes_the_cycle(
    sim: SimulatorProcess, tmp_path: Path, serve: ServeFactory
) -> None:
    config = write_config(tmp_path, sim.base_url, SIM_TOKEN, chunkSize=2)
    database = tmp_path / "catalog.sqlite"
    sim.admin.settings(latency_ms=40)
    server = serve(config, log_level="debug")
    with server.client() as client:
        running = wait_until(
            lambda: (burst := detail(client)["currentBurst"]) and burst["pages"] >= 3 and burst,
            what="a burst several pages in",
        )
        ingestion = running["ingestionId"]
    assert server.stop(signal.SIGTERM) == 0
    output = server.output()
    assert "Traceback" not in output
    assert API_TOKEN not in output
    assert SIM_TOKEN not in output
    assert lease_holder(database) is None
    before = bursts(database, ingestion)
    assert before[-1][0] == "stopped", before

    sim.admin.settings(latency_ms=0)
    server.start()
    with server.client() as client:
        done = wait_until(lambda: resting(client), timeout=60, what="the resumed cycle to end")
        assert done["current"]["id"] == ingestion, "the same cycle resumed, not a new one"
        assert problems(client, sim.admin) == []
        marks = client.get(f"/api/catalog/incremental/providers/{PROVIDER}/marks").json()
        sequences = sorted(mark["sequence"] for mark in marks["data"]["marks"])
        assert sequences == list(range(len(sequences))), "every page exactly once"
    after = bursts(database, ingestion)
    assert len(after) > len(before)
    assert sum(pages for _, pages in after) == len(sequences)
    assert server.stop(signal.SIGINT) == 0
