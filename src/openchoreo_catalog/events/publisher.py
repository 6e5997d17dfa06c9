"""What the inbox hands events to, and how it recognises two events about one object.

:class:`Publisher` is satisfied by :class:`~openchoreo_catalog.ingestion.IngestionEngine`
(``handles`` / ``publish``); the full-sync mode has its own (see ``service``).

An :data:`EventKey` function validates a payload (raising ``ValueError`` with a message a
caller can act on: the ingress answers 400 with it) and returns a hashable key naming the
object the event is about. Events with equal keys in one drained batch are applied once,
with the newest payload: handlers read the object's current state from the source, so the
older events add nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any, Protocol

import orjson


class Publisher(Protocol):
    def handles(self, topic: str) -> bool:
        """Whether some provider takes events on ``topic``."""
        ...

    async def publish(self, topic: str, payload: Mapping[str, Any]) -> object:
        """Apply the event now (catalog and bookkeeping); raise to have it retried."""
        ...


EventKey = Callable[[str, Any], Hashable]


def default_key(topic: str, payload: Any) -> Hashable:
    """Any JSON object; two events are the same when their payloads are equal."""
    if not isinstance(payload, Mapping):
        raise ValueError(f"{topic}: the payload must be a JSON object")
    return (topic, orjson.dumps(payload, option=orjson.OPT_SORT_KEYS))
