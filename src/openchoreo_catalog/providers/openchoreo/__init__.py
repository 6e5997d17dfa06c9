"""The OpenChoreo providers and the translation of OpenChoreo objects into entities.

See ``docs/providers.md``: :class:`OpenChoreoIncrementalEntityProvider` (driven by the
ingestion engine) and :class:`OpenChoreoEntityProvider` (scheduled full sync).
"""

from openchoreo_catalog.providers.openchoreo.events import (
    TOPICS,
    MalformedEvent,
    OpenChoreoEventHandler,
)
from openchoreo_catalog.providers.openchoreo.full import (
    FULL_PROVIDER_NAME,
    FullRun,
    FullSyncTarget,
    OpenChoreoEntityProvider,
)
from openchoreo_catalog.providers.openchoreo.incremental import (
    INCREMENTAL_PROVIDER_NAME,
    OpenChoreoIncrementalEntityProvider,
)
from openchoreo_catalog.providers.openchoreo.lookup import EntityRefLookup

__all__ = [
    "FULL_PROVIDER_NAME",
    "INCREMENTAL_PROVIDER_NAME",
    "TOPICS",
    "EntityRefLookup",
    "FullRun",
    "FullSyncTarget",
    "MalformedEvent",
    "OpenChoreoEntityProvider",
    "OpenChoreoEventHandler",
    "OpenChoreoIncrementalEntityProvider",
]
