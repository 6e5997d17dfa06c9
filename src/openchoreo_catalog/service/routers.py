"""Every HTTP router of the service, in mount order: add a router by adding a line to ROUTERS.

A router factory takes the running :class:`Service` (settings, store, engine, OpenChoreo
client factory, telemetry…) and returns an ``APIRouter`` with its full paths. The app factory
wraps every route in the auth policy (mutations need a token; reads too under
``protectReads``) and Backstage's error shape, so a new router needs nothing else::

    ROUTERS = (..., openchoreo_bff, web_ui)      # the UI's "/" stays last

The catalog API and the health routes are the app factory's own (``api/app.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fastapi import APIRouter

from openchoreo_catalog.api.bff import bff_router
from openchoreo_catalog.api.events import events_router
from openchoreo_catalog.api.immediate import immediate_router
from openchoreo_catalog.ingestion.management import management_router
from openchoreo_catalog.telemetry import metrics_router
from openchoreo_catalog.ui import ui_router

if TYPE_CHECKING:
    from openchoreo_catalog.service.assembly import Service

RouterFactory = Callable[["Service"], APIRouter]


def management(service: Service) -> APIRouter:
    """``/api/catalog/incremental/…``: the engine's management API."""
    return management_router(service.engine)


def events(service: Service) -> APIRouter:
    """``POST /api/events/http/{topic}``: the durable events ingress."""
    return events_router(service.ingress)


def immediate(service: Service) -> APIRouter:
    """``/api/catalog/immediate/entities``: the scaffolder's immediate writes."""
    return immediate_router(service.immediate)


def metrics(service: Service) -> APIRouter:
    """``GET /metrics``: Prometheus text."""
    return metrics_router(service.telemetry)


def openchoreo_bff(service: Service) -> APIRouter:
    """``/api/openchoreo/…``: the portal's OpenChoreo reads, every page walked, with the
    service's OpenChoreo client factory (one client, built on first use)."""
    return bff_router(lambda _settings: service.client_factory())


def web_ui(_service: Service) -> APIRouter:
    """``/`` and ``/ui/…``: the web UI's page and static files."""
    return ui_router()


ROUTERS: tuple[RouterFactory, ...] = (
    management,
    events,
    immediate,
    metrics,
    openchoreo_bff,
    web_ui,
)
