"""The CLI as a user runs it (child processes): ``ingest --once`` exit codes, ``status``,
``entities``, ``export backstage`` (validated by Backstage's own code), ``trigger``/``reset``,
and one clear line — never a traceback — for every mistake a user can make."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest
import yaml

from openchoreo_catalog.simulator import SimulatorProcess
from tests.providers.oracle import expected
from tests.providers.test_backstage_validation import validate
from tests.service.conftest import SIM_TOKEN
from tests.service.harness import (
    API_TOKEN,
    PROVIDER,
    cli,
    command,
    run,
    wait_until,
    write_config,
)


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_ingest_once_completes_and_reports_figures(sim: SimulatorProcess, config: Path) -> None:
    done = cli("ingest", "--once", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "completed in" in done.stdout
    expectation = expected(sim.admin.dataset())
    assert f"projects {sum(len(o['projects']) for o in sim.admin.dataset()['orgs'])}" in done.stdout
    listed = cli("entities", "--config", str(config), "--format", "jsonl")
    assert listed.returncode == 0, listed.stderr
    refs = {
        f"{e['kind']}:{e['metadata']['namespace']}/{e['metadata']['name']}".lower()
        for e in map(json.loads, listed.stdout.splitlines())
    }
    assert refs == expectation.refs


def test_full_sync_once_reports_the_whole_run_not_only_the_read(
    sim: SimulatorProcess, tmp_path: Path
) -> None:
    import re

    config = write_config(tmp_path, sim.base_url, SIM_TOKEN, mode="full")
    done = cli("ingest", "--once", "--config", str(config))
    assert done.returncode == 0, done.stderr
    found = re.search(
        r"([\d,]+) entities in ([\d.]+) s \(([\d,]+) requests; reading the API took ([\d.]+) s\)",
        done.stdout,
    )
    assert found, done.stdout
    assert float(found[2]) >= float(found[4])  # the write comes on top of the read


@pytest.mark.parametrize("problem", ["unreachable", "wrong token"])
def test_ingest_once_fails_with_exit_1_and_the_reason(
    sim: SimulatorProcess, tmp_path: Path, problem: str
) -> None:
    if problem == "unreachable":
        url, token, reason = f"http://127.0.0.1:{closed_port()}/api/v1", SIM_TOKEN, "cannot connect"
    else:
        url, token, reason = sim.base_url, "wrong-sim-token-1", "HTTP 401"
    config = write_config(tmp_path, url, token)
    done = cli("ingest", "--once", "--config", str(config), "--log-level", "error")
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert line.startswith("error: ingestion failed:")
    assert reason in line
    assert "wrong-sim-token-1" not in done.stderr + done.stdout


def test_a_removal_rejected_by_a_safety_limit_is_reported_but_not_a_failure(
    sim: SimulatorProcess, tmp_path: Path
) -> None:
    config = write_config(tmp_path, sim.base_url, SIM_TOKEN, rejectRemovalsAbovePercentage=10)
    assert cli("ingest", "--once", "--config", str(config)).returncode == 0
    sim.admin.remove_org(sim.admin.dataset(components=False)["orgs"][0]["org"]["name"])
    done = cli("ingest", "--once", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "completed in" in done.stdout
    assert "warning: removal of" in done.stderr
    assert "stale entities rejected" in done.stderr


@pytest.mark.parametrize(
    ("command", "expected_code", "needle"),
    [
        (["ingest", "--once"], 2, "openchoreo.incremental.burstLenght: unknown key"),
        (["serve"], 2, "openchoreo.incremental.burstLenght: unknown key"),
    ],
)
def test_bad_config_exits_2(
    tmp_path: Path, command: list[str], expected_code: int, needle: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("openchoreo:\n  baseUrl: http://x/api/v1\n  incremental:\n    burstLenght: 3\n")
    done = cli(*command, "--config", str(path))
    assert done.returncode == expected_code
    assert needle in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_base_url_is_bad_config(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(f"backend:\n  database:\n    connection: {tmp_path / 'x.sqlite'}\n")
    done = cli("ingest", "--once", "--config", str(path))
    assert done.returncode == 2
    assert "openchoreo.baseUrl: is required" in done.stderr


@pytest.mark.parametrize("command", [["ingest", "--once"], ["serve"], ["status"], ["entities"]])
def test_an_unreachable_database_is_one_line(tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "pg.yaml"
    path.write_text(
        "openchoreo:\n  baseUrl: http://127.0.0.1:1/api/v1\nbackend:\n  database:\n"
        f"    client: pg\n    connection: postgresql://u:db-PASSWORD-91x@127.0.0.1:{closed_port()}/x\n"
    )
    done = cli(*command, "--config", str(path))
    assert done.returncode == 1
    line = one_error_line(done.stderr)
    assert line.startswith("error: database:")
    assert "db-PASSWORD-91x" not in done.stderr + done.stdout


def test_a_port_in_use_is_one_line(sim: SimulatorProcess, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        config = write_config(tmp_path, sim.base_url, SIM_TOKEN)
        text = config.read_text().replace("port: 0", f"port: {port}")
        config.write_text(text)
        done = cli("serve", "--config", str(config))
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in one_error_line(done.stderr)


def test_status_entities_and_the_admin_commands(sim: SimulatorProcess, config: Path) -> None:
    assert run("ingest", "--once", "--config", str(config)).returncode == 0
    status = run("status", "--config", str(config), "--log-level", "debug")
    assert status.returncode == 0, status.stderr
    for label in ("state", "next action", "attempts", "last error", "entities active",
                  "seen this cycle", "last cycle"):  # fmt: skip
        assert label in status.stdout
    assert "resting" in status.stdout
    figures = json.loads(run("status", "--json", "--config", str(config)).stdout)
    assert figures[0]["name"] == PROVIDER
    assert figures[0]["entitiesActive"] == len(expected(sim.admin.dataset()).refs)

    org = sim.admin.dataset(components=False)["orgs"][0]["org"]["name"]
    table = run("entities", "--config", str(config), "--kind", "System", "--namespace", org)
    assert table.returncode == 0
    assert "proj-" in table.stdout
    assert "Component" not in table.stdout
    documents = list(
        yaml.safe_load_all(run("entities", "-c", str(config), "-k", "domain", "-f", "yaml").stdout)
    )
    assert {d["kind"] for d in documents} == {"Domain"}
    assert len(documents) == len(sim.admin.dataset(components=False)["orgs"])

    triggered = run("trigger", PROVIDER, "--config", str(config), "--log-level", "debug")
    assert triggered.returncode == 0
    reset = run("reset", PROVIDER, "--config", str(config), "--log-level", "debug")
    assert reset.returncode == 0
    assert "a new cycle starts" in reset.stdout
    unknown = run("trigger", "NoSuchProvider", "--config", str(config))
    assert unknown.returncode == 1
    assert "unknown provider 'NoSuchProvider'" in one_error_line(unknown.stderr)
    for done in (status, table, triggered, reset, unknown):
        assert_no_secret(done.stdout + done.stderr)


def test_the_export_parses_and_passes_backstage_validation(
    sim: SimulatorProcess, config: Path, tmp_path: Path
) -> None:
    assert run("ingest", "--once", "--config", str(config)).returncode == 0
    out = tmp_path / "export"
    done = run(
        "export", "backstage", "--output", str(out), "--config", str(config), "--log-level", "debug"
    )
    assert_no_secret(done.stdout + done.stderr)
    assert done.returncode == 0, done.stderr
    index = list(yaml.safe_load_all((out / "catalog-info.yaml").read_text()))
    assert {doc["kind"] for doc in index} == {"Location"}
    exported = []
    for location in index:
        assert "type" not in location["spec"], "inherits url or file from the registration"
        for target in location["spec"]["targets"]:
            assert target.startswith("./")
            exported += list(yaml.safe_load_all((out / target).read_text()))
    refs = {
        f"{e['kind']}:{e['metadata'].get('namespace', 'default')}/{e['metadata']['name']}".lower()
        for e in exported
    }
    assert refs == expected(sim.admin.dataset()).refs
    assert len(index) == len(sim.admin.dataset(components=False)["orgs"])
    for entity in exported:
        assert "uid" not in entity["metadata"]
        assert "relations" not in entity
        assert "backstage.io/managed-by-location" not in entity["metadata"].get("annotations", {})
    report = validate([*index, *exported])
    assert report["errors"] == []
    assert report["checked"] == len(index) + len(exported)

    builtin = tmp_path / "builtin"
    done = run("export", "backstage", "-o", str(builtin), "--builtin-kinds-only", "-c", str(config))
    assert done.returncode == 0
    kinds = {
        doc["kind"]
        for path in (builtin / "organizations").glob("*.yaml")
        for doc in yaml.safe_load_all(path.read_text())
    }
    assert kinds <= {"Domain", "System", "Component", "API", "Template"}


def test_full_sync_mode_ingests_once(sim: SimulatorProcess, tmp_path: Path) -> None:
    config = write_config(tmp_path, sim.base_url, SIM_TOKEN, mode="full")
    done = cli("ingest", "--once", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert "OpenChoreoEntityProvider:" in done.stdout
    status = run("status", "--config", str(config))
    assert "full sync every 5 s" in status.stdout


def assert_no_secret(text: str) -> None:
    for secret in (API_TOKEN, SIM_TOKEN, "bad-but-SECRET-sim-token"):
        assert secret not in text, secret


def test_no_secret_reaches_any_output_even_at_debug(sim: SimulatorProcess, tmp_path: Path) -> None:
    config = write_config(tmp_path, sim.base_url, SIM_TOKEN)
    wrong = write_config(tmp_path, sim.base_url, "bad-but-SECRET-sim-token", name="wrong.yaml")
    runs = [
        cli("ingest", "--once", "-c", str(config), "--log-level", "debug", "--log-format", "json"),
        cli("ingest", "--once", "-c", str(wrong), "--log-level", "debug"),
        run("config", "show", "-c", str(config), "--log-level", "debug"),
        run("db", "upgrade", "-c", str(config), "--log-level", "debug"),
    ]
    for done in runs:
        assert_no_secret(done.stdout + done.stderr)
    assert [done.returncode for done in runs] == [0, 1, 0, 0]
    assert '"level": "debug"' in runs[0].stderr or '"level":"debug"' in runs[0].stderr


def test_ingest_without_once_runs_on_schedule_until_sigterm(
    sim: SimulatorProcess, config: Path, tmp_path: Path
) -> None:
    def rested() -> bool:
        database = tmp_path / "catalog.sqlite"
        if not database.exists():
            return False
        with sqlite3.connect(database) as conn:
            try:
                row = conn.execute(
                    "SELECT count(*) FROM ingestions WHERE next_action = 'rest'"
                ).fetchone()
            except sqlite3.OperationalError:
                return False
        return bool(row[0])

    with (tmp_path / "ingest.err").open("wb") as err:
        process = subprocess.Popen(
            command("ingest", "--config", str(config)), stdout=subprocess.DEVNULL, stderr=err
        )
    try:
        wait_until(rested, timeout=60, interval=0.1, what="a cycle ingested on schedule")
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert "Traceback" not in (tmp_path / "ingest.err").read_text()


def test_ingest_once_while_another_replica_bursts_is_one_line(
    sim: SimulatorProcess, config: Path, tmp_path: Path
) -> None:
    assert run("db", "upgrade", "--config", str(config)).returncode == 0
    with sqlite3.connect(tmp_path / "catalog.sqlite") as conn:
        conn.execute(
            "INSERT INTO ingestion_leases (provider_name, holder, expires_at, fencing) "
            "VALUES (?, 'elsewhere/1', 9e12, 1)",
            (PROVIDER,),
        )
    done = run("ingest", "--once", "--config", str(config))
    assert done.returncode == 1
    assert "is being ingested by another replica" in one_error_line(done.stderr)
