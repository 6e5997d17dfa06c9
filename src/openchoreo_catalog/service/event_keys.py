"""Which object an OpenChoreo event is about: the inbox's validation and merge key.

The provider's handler takes ``{"action", "organization", "project"?, "component"?}`` on the
``openchoreo.*`` topics (``providers/openchoreo/events.py``). The key ignores ``action``: the
handler treats it as a hint and reads the object's current state, so a "created" followed by
an "updated" for one component needs one read, not two.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from openchoreo_catalog.events import default_key
from openchoreo_catalog.providers.openchoreo import TOPICS
from openchoreo_catalog.providers.openchoreo.events import parse_event


def openchoreo_event_key(topic: str, payload: Any) -> Hashable:
    """``(topic, organization, project, component)``; ``ValueError`` when malformed."""
    if topic not in TOPICS:
        return default_key(topic, payload)
    target = parse_event(topic, payload)
    return (topic, target.organization, target.project, target.component)
