"""Pytest fixtures around the OpenChoreo simulator, for every test suite to reuse.

* ``simulator_server`` (session): one in-process simulator with small data, on an ephemeral
  port, requiring the bearer token ``SIMULATOR_TOKEN``.
* ``simulator`` (function): the same server, reset to its start state (dataset, faults,
  request counts, settings) before the test — use this one.
* ``sim_admin``: its :class:`AdminClient` (faults, changes, request counts, ground truth).
* ``openchoreo_client``: an :class:`OpenChoreoClient` pointed at it, with fast retries.

Load with ``pytest_plugins = ["tests.simulator_fixtures"]`` (``tests/conftest.py`` does).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from openchoreo_catalog.openchoreo import OpenChoreoClient
from openchoreo_catalog.simulator import AdminClient, InProcessSimulator, SimulatorConfig

SIMULATOR_TOKEN = "sim-test-token-7f3a9c"

SMALL = SimulatorConfig(
    orgs=2,
    projects=3,
    components=12,
    seed=7,
    service_fraction=0.6,
    endpoints=3,
    token=SIMULATOR_TOKEN,
)


@pytest.fixture(scope="session")
def simulator_config() -> SimulatorConfig:
    return SMALL


@pytest.fixture(scope="session")
def simulator_server(simulator_config: SimulatorConfig) -> Iterator[InProcessSimulator]:
    with InProcessSimulator(simulator_config) as server:
        yield server


@pytest.fixture
def simulator(simulator_server: InProcessSimulator) -> InProcessSimulator:
    simulator_server.admin.reset()
    return simulator_server


@pytest.fixture
def sim_admin(simulator: InProcessSimulator) -> AdminClient:
    return simulator.admin


def fast_client(base_url: str, **options: object) -> OpenChoreoClient:
    """A client whose retries wait milliseconds, so retry tests stay fast."""
    settings: dict[str, object] = {
        "token": SIMULATOR_TOKEN,
        "backoff_initial": 0.01,
        "backoff_max": 0.05,
        "retry_time_limit": 10.0,
        "timeout": 10.0,
    }
    settings.update(options)
    return OpenChoreoClient(base_url, **settings)  # type: ignore[arg-type]


@pytest.fixture
async def openchoreo_client(simulator: InProcessSimulator) -> AsyncIterator[OpenChoreoClient]:
    async with fast_client(simulator.base_url) as client:
        yield client
