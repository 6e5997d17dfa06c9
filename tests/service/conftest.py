"""Fixtures for the service's end-to-end tests: a simulator process, serve processes.

* ``sim`` — one ``openchoreo-catalog simulate`` child process for the session (small data,
  bearer token :data:`SIM_TOKEN`), reset to its start state before each test.
* ``serve`` — a factory: ``serve(config)`` starts ``openchoreo-catalog serve`` and waits for
  it; every process it started is killed at the end of the test.
* ``config`` — an app-config for ``sim`` and a SQLite file in the test's directory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from openchoreo_catalog.simulator import SimulatorConfig, SimulatorProcess
from tests.service.harness import ServeProcess, write_config

SIM_TOKEN = "sim-TOKEN-e2e-4f2d8b"
SIM_CONFIG = SimulatorConfig(
    orgs=2, projects=3, components=8, seed=29, endpoints=2, token=SIM_TOKEN
)


@pytest.fixture(scope="session")
def sim_process() -> Iterator[SimulatorProcess]:
    with SimulatorProcess(SIM_CONFIG) as process:
        yield process


@pytest.fixture
def sim(sim_process: SimulatorProcess) -> SimulatorProcess:
    sim_process.admin.reset()
    return sim_process


@pytest.fixture
def config(tmp_path: Path, sim: SimulatorProcess) -> Path:
    return write_config(tmp_path, sim.base_url, SIM_TOKEN)


ServeFactory = Callable[..., ServeProcess]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[ServeFactory]:
    started: list[ServeProcess] = []

    def start(config: Path, **options: Any) -> ServeProcess:
        process = ServeProcess(config, tmp_path / f"serve-{len(started)}", **options)
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.kill()
