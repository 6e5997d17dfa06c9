"""The values of ``ingestions.status`` and ``ingestions.next_action`` (Backstage's spelling).

They are contracts: the management API returns them, the CLI prints them, and records written
by another replica (or another version) must mean the same thing.
"""

from __future__ import annotations

from typing import Final, Literal

Status = Literal["bursting", "interstitial", "resting", "backing off", "canceling", "complete"]
NextAction = Literal["ingest", "rest", "backoff", "cancel", "nothing (done)", "nothing (canceled)"]

BURSTING: Final = "bursting"
INTERSTITIAL: Final = "interstitial"
RESTING: Final = "resting"
BACKING_OFF: Final = "backing off"
CANCELING: Final = "canceling"
COMPLETE: Final = "complete"

INGEST: Final = "ingest"
REST: Final = "rest"
BACKOFF: Final = "backoff"
CANCEL: Final = "cancel"
DONE: Final = "nothing (done)"
CANCELED: Final = "nothing (canceled)"

OPEN_TICKET: Final = "open"
"""``completion_ticket`` of the one open cycle of a provider (finished ones hold a uuid)."""

STATUSES: Final = (BURSTING, INTERSTITIAL, RESTING, BACKING_OFF, CANCELING, COMPLETE)
NEXT_ACTIONS: Final = (INGEST, REST, BACKOFF, CANCEL, DONE, CANCELED)
