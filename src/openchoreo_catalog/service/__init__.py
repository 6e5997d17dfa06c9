"""The service a user runs: its parts wired from settings, and the HTTP server around them.

* :class:`Service` (``assembly.py``) — the one assembly (database, store, engine and
  scheduler or full-sync schedule, provider, event inbox, immediate writes, telemetry, app).
* ``routers.ROUTERS`` — the HTTP routers mounted on the app, one line each.
* :func:`run_server` (``server.py``) — uvicorn on ``backend.listen`` with graceful stop.
"""

from openchoreo_catalog.service.assembly import Service, ServiceOptions
from openchoreo_catalog.service.server import run_server

__all__ = ["Service", "ServiceOptions", "run_server"]
