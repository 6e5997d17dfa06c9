"""Events over HTTP, durably: accepted into a database inbox, applied by one drainer.

Backstage's HTTP events ingress answers 202 and hands the event to subscribers in memory; an
event accepted just before a crash is gone. Here "accepted" means *stored*:

* :class:`EventIngress` — checks the topic (404 when no provider handles it) and the payload
  (400), then appends the event to the ``event_inbox`` table and answers only once the row
  has committed. Concurrent requests share one commit (:class:`InboxWriter`, group commit),
  so a burst of events costs a few transactions, not one each. A full inbox answers 503
  with ``Retry-After`` instead of dropping anything.
* :class:`InboxDrainer` — takes the oldest rows in arrival order, merges events about the
  same object (the handler re-reads the object from the API, so the last one wins anyway),
  hands each to the provider through a :class:`Publisher` (``engine.publish``), and deletes
  the rows only after their deltas committed. A failed event is retried with backoff; one
  replica at a time drains (a lease in the database), so events about one object are never
  applied out of order by two replicas.

Delivery is at least once: a crash between a delta's commit and its row's deletion applies
that event again on restart, which is harmless (deltas are idempotent: the handler reads the
truth from the API each time).
"""

from openchoreo_catalog.events.drain import InboxDrainer
from openchoreo_catalog.events.ingress import EventIngress, InboxFull, UnknownTopic
from openchoreo_catalog.events.metrics import EventMetrics
from openchoreo_catalog.events.publisher import EventKey, Publisher, default_key
from openchoreo_catalog.events.writer import InboxWriter

__all__ = [
    "EventIngress",
    "EventKey",
    "EventMetrics",
    "InboxDrainer",
    "InboxFull",
    "InboxWriter",
    "Publisher",
    "UnknownTopic",
    "default_key",
]
