"""What handlers need from the running app, and the FastAPI dependencies that give it."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from openchoreo_catalog.catalog import CatalogStore
from openchoreo_catalog.config import Settings
from openchoreo_catalog.db import Database


@dataclass
class AppContext:
    """Set on ``app.state.context`` while the app runs."""

    settings: Settings
    database: Database
    store: CatalogStore


def context(request: Request) -> AppContext:
    found = getattr(request.app.state, "context", None)
    if not isinstance(found, AppContext):
        raise RuntimeError("the app is not started (lifespan did not run)")
    return found


def store(request: Request) -> CatalogStore:
    return context(request).store


def database(request: Request) -> Database:
    return context(request).database


def settings(request: Request) -> Settings:
    return context(request).settings
