"""Starting the simulator as users and benchmarks do: the CLI and a separate process."""

from __future__ import annotations

import socket

import httpx
import pytest
from typer.testing import CliRunner

from openchoreo_catalog.cli import app, register_commands
from openchoreo_catalog.simulator import SimulatorConfig, SimulatorProcess

register_commands()


def test_a_simulator_process_serves_until_stopped() -> None:
    config = SimulatorConfig(orgs=1, projects=1, components=3, token="proc-token-1234")
    with SimulatorProcess(config, extra_args=["--latency-ms", "1"]) as process:
        headers = {"Authorization": "Bearer proc-token-1234"}
        body = httpx.get(process.base_url + "/orgs", headers=headers).json()
        assert len(body["data"]["items"]) == 1
        assert process.admin.state()["counts"]["components"] == 3
        assert process.admin.state()["config"]["token"] == "***"
        pid = process.pid
    assert pid is not None
    with pytest.raises(httpx.ConnectError):
        httpx.get(process.base_url + "/health")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--orgs", "-1"], "--orgs"),
        (["--service-fraction", "1.5"], "--service-fraction"),
        (["--fault", "{not json"], "is not JSON"),
        (["--fault", '{"kind": "explode"}'], "kind must be one of"),
    ],
)
def test_bad_simulate_arguments_exit_2_without_a_traceback(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, ["simulate", "--port", "0", *args])
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output


def test_a_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["simulate", "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output
