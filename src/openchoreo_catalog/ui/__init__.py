"""The web UI, served by the service itself: ``ui_router()`` adds ``/`` and ``/ui/…``.

Plain HTML, ES modules and CSS under ``static/`` — no build step, no framework, nothing fetched
from another origin (the Content-Security-Policy allows only this server), so the pages work
on a machine without network and ship inside the wheel as package data. The pages are a
hash-routed single page (``#/ingestion``, ``#/catalog``, ``#/entity/…``, ``#/traits``) over the
service's own APIs: the management API, the catalog API and the BFF.

The shell holds no data, so it is served without a token even when ``protectReads`` is on
(:mod:`openchoreo_catalog.api.auth` keeps ``/`` and ``/ui/`` open); the pages send the token
the user gives them with every API call that needs it.
"""

from openchoreo_catalog.ui.router import STATIC_ROOT, ui_router

__all__ = ["STATIC_ROOT", "ui_router"]
