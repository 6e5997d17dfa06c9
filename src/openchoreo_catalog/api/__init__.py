"""HTTP: the app factory, the auth policy, Backstage-shaped errors, and the catalog API."""

from openchoreo_catalog.api.app import create_app
from openchoreo_catalog.api.auth import ANONYMOUS, AuthPolicy, Subject, subject
from openchoreo_catalog.api.context import AppContext, context, database, settings, store
from openchoreo_catalog.api.errors import ApiError, InputError, NotFound

__all__ = [
    "ANONYMOUS",
    "ApiError",
    "AppContext",
    "AuthPolicy",
    "InputError",
    "NotFound",
    "Subject",
    "context",
    "create_app",
    "database",
    "settings",
    "store",
    "subject",
]
