"""What the inbox hands events to, and how it recognises two events about one object.

A :class:`Publisher` works in two steps, so a drained batch costs one write transaction per
provider instead of one per event: ``deltas(topic, payload)`` asks the providers' event
handlers what the event changes (they read the source; nothing is written), and
``apply(provider, added, removed)`` writes the merged deltas of the whole batch — catalog
and sweep bookkeeping in one transaction. :class:`EnginePublisher` does both through the
:class:`~openchoreo_catalog.ingestion.IngestionEngine`: the handlers of the registered
providers for the topic (as ``engine.publish`` finds them) and ``engine.apply_delta``.

An :data:`EventKey` function validates a payload (raising ``ValueError`` with a message a
caller can act on: the ingress answers 400 with it) and returns a hashable key naming the
object the event is about. Events with equal keys in one drained batch are applied once,
with the newest payload: handlers read the object's current state from the source, so the
older events add nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from openchoreo_catalog.ingestion import EventDelta, IngestionEngine


@dataclass(frozen=True, slots=True)
class ProviderDelta:
    """What one event changes for one provider."""

    provider: str
    added: Sequence[Mapping[str, Any]] = ()
    removed: Sequence[str] = ()


class Publisher(Protocol):
    def handles(self, topic: str) -> bool:
        """Whether some provider takes events on ``topic``."""
        ...

    async def deltas(self, topic: str, payload: Mapping[str, Any]) -> Sequence[ProviderDelta]:
        """What the event changes, per provider (reads the source; writes nothing)."""
        ...

    async def apply(
        self, provider: str, added: Sequence[Mapping[str, Any]], removed: Sequence[str]
    ) -> None:
        """Write a (merged) delta for ``provider``: catalog and bookkeeping together."""
        ...


class EnginePublisher:
    """Events for the providers registered with ``engine``."""

    def __init__(self, engine: IngestionEngine) -> None:
        self.engine = engine

    def handles(self, topic: str) -> bool:
        return self.engine.handles(topic)

    async def deltas(self, topic: str, payload: Mapping[str, Any]) -> Sequence[ProviderDelta]:
        found: list[ProviderDelta] = []
        for name in self.engine.names:
            handler = self.engine.engine(name).provider.event_handler
            if handler is None or topic not in handler.topics():
                continue
            outcome = await handler.on_event(topic, payload)
            if isinstance(outcome, EventDelta):
                found.append(ProviderDelta(name, outcome.added, outcome.removed))
        return found

    async def apply(
        self, provider: str, added: Sequence[Mapping[str, Any]], removed: Sequence[str]
    ) -> None:
        await self.engine.apply_delta(provider, added, removed)


EventKey = Callable[[str, Any], Hashable]


def default_key(topic: str, payload: Any) -> Hashable:
    """Any JSON object; two events are the same when their payloads are equal."""
    if not isinstance(payload, Mapping):
        raise ValueError(f"{topic}: the payload must be a JSON object")
    return (topic, orjson.dumps(payload, option=orjson.OPT_SORT_KEYS))
