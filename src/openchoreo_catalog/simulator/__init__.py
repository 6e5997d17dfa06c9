"""An OpenChoreo API server for tests, the demo and the benchmarks.

It behaves like the real organization-era server (``openchoreo-api.NOTES.md``): envelope,
``limit``/``continue`` with consistent snapshots and expiring tokens, the real error codes.
Data is generated lazily from a seed (a million components cost almost nothing), changes go
to an overlay, and faults are injected on demand. Start it with
``openchoreo-catalog simulate``, :class:`InProcessSimulator` or :class:`SimulatorProcess`.
"""

from openchoreo_catalog.simulator.admin_client import AdminClient, AdminError
from openchoreo_catalog.simulator.app import SimulatorApp
from openchoreo_catalog.simulator.config import SimulatorConfig
from openchoreo_catalog.simulator.server import (
    InProcessSimulator,
    SimulatorProcess,
    serve,
    wait_ready,
)

__all__ = [
    "AdminClient",
    "AdminError",
    "InProcessSimulator",
    "SimulatorApp",
    "SimulatorConfig",
    "SimulatorProcess",
    "serve",
    "wait_ready",
]
