"""Async client of the OpenChoreo API: typed models, retries, rate limit, typed errors.

See :class:`OpenChoreoClient`. The layers, top to bottom: ``client`` (one method per
endpoint) → ``base`` (requests, decoding) → ``transport`` (retries, rate limit, counters) →
httpx's connection pool.
"""

from openchoreo_catalog.openchoreo.client import OpenChoreoClient
from openchoreo_catalog.openchoreo.errors import (
    OpenChoreoAuthError,
    OpenChoreoBadRequest,
    OpenChoreoError,
    OpenChoreoNotFound,
    OpenChoreoProtocolError,
    OpenChoreoUnavailable,
)
from openchoreo_catalog.openchoreo.retry import RetryPolicy
from openchoreo_catalog.openchoreo.stats import RequestStats

__all__ = [
    "OpenChoreoAuthError",
    "OpenChoreoBadRequest",
    "OpenChoreoClient",
    "OpenChoreoError",
    "OpenChoreoNotFound",
    "OpenChoreoProtocolError",
    "OpenChoreoUnavailable",
    "RequestStats",
    "RetryPolicy",
]
