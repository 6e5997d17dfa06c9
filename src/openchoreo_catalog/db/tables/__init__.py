"""Every table of the service, registered on the shared :data:`metadata`.

Add a module here for a new group of tables and import it below, so ``metadata`` is complete
wherever it is used (migration checks, tests).
"""

from openchoreo_catalog.db.metadata import metadata
from openchoreo_catalog.db.tables import catalog, events, ingestion

__all__ = ["catalog", "events", "ingestion", "metadata"]
