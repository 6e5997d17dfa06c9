"""The engine's tables (declared in :mod:`openchoreo_catalog.db.tables.ingestion`, which sits
below the engine so the migration checks see them; re-exported here for the engine)."""

from openchoreo_catalog.db.tables.ingestion import (
    NAME_MAX,
    bookkeeping,
    bursts,
    ingestions,
    leases,
    marks,
)

__all__ = ["NAME_MAX", "bookkeeping", "bursts", "ingestions", "leases", "marks"]
