"""Accepting one event: topic known, payload valid, inbox not full — then stored durably.

The HTTP route is a thin shell over :meth:`EventIngress.accept`; the checks live here so the
rules hold whatever calls them. Unknown topic → :class:`UnknownTopic` (404); a payload that
is not JSON, or that the topic's key function rejects → ``ValueError`` (400); too many
events waiting → :class:`InboxFull` (503 with ``Retry-After``), never a silent drop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from openchoreo_catalog.events.metrics import EventMetrics
from openchoreo_catalog.events.publisher import EventKey, Publisher, default_key
from openchoreo_catalog.events.writer import InboxWriter
from openchoreo_catalog.ingestion.clock import Clock, SystemClock

MAX_PENDING = 200_000
"""Events waiting in the inbox above which new ones are refused (503)."""
MAX_TOPIC = 255


class UnknownTopic(LookupError):
    def __init__(self, topic: str) -> None:
        super().__init__(f"No subscriber handles events on topic '{topic}'")
        self.topic = topic


class InboxFull(RuntimeError):
    def __init__(self, pending: int, retry_after: int) -> None:
        super().__init__(
            f"{pending} events are waiting to be applied; retry in {retry_after} seconds"
        )
        self.retry_after = retry_after


class EventIngress:
    """``accept(topic, body)``: validate, store, count; see the module docstring."""

    def __init__(
        self,
        publisher: Publisher,
        writer: InboxWriter,
        *,
        key: EventKey = default_key,
        metrics: EventMetrics | None = None,
        clock: Clock | None = None,
        max_pending: int = MAX_PENDING,
        pending: Callable[[], int] | None = None,
        on_accepted: Callable[[int], None] | None = None,
    ) -> None:
        self.publisher = publisher
        self.writer = writer
        self.key = key
        self.metrics = metrics or EventMetrics()
        self.clock = clock or SystemClock()
        self.max_pending = max_pending
        self._pending = pending or (lambda: 0)
        self._on_accepted = on_accepted

    def handles(self, topic: str) -> bool:
        return len(topic) <= MAX_TOPIC and self.publisher.handles(topic)

    def parse(self, topic: str, body: bytes) -> Any:
        """The payload of ``body``, checked for ``topic``; ``ValueError`` says what is wrong."""
        if not body.strip():
            raise ValueError("Missing request body: expected a JSON object")
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise ValueError("Malformed request body: not valid JSON") from None
        self.key(topic, payload)
        return payload

    async def accept(self, topic: str, body: bytes) -> None:
        """Store the event (returns once committed) or raise as the module docstring says."""
        if not self.handles(topic):
            raise UnknownTopic(topic)
        payload = self.parse(topic, body)
        pending = self._pending()
        if pending >= self.max_pending:
            raise InboxFull(pending, retry_after=5)
        text = orjson.dumps(payload).decode()
        await self.writer.append(topic, text, self.clock.now())
        self.metrics.accepted(topic)
        if self._on_accepted is not None:
            self._on_accepted(1)
