"""What an incremental entity provider is, as the engine sees it.

A port of Backstage's ``IncrementalEntityProvider`` contract, made Pythonic: ``around`` is an
async context manager yielding a per-burst context (a client, its connection pool, pages held
in memory); ``next`` returns one page of entities and the cursor where the next page starts.
The cursor is any JSON value and is persisted with the page, so it must stay small — the
engine resumes from it after a crash, on whichever replica runs the next burst.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, TypeVar

from openchoreo_catalog.config import IncrementalSettings

JsonValue: TypeAlias = bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"] | None
Entity: TypeAlias = dict[str, Any]
"""An entity in Backstage's JSON wire format."""

ContextT = TypeVar("ContextT")
ContextT_co = TypeVar("ContextT_co", covariant=True)


@dataclass(frozen=True, slots=True)
class Burst:
    """What the engine tells a provider about the burst it is opening.

    ``paced`` is false in run-one-cycle-now mode (``ingest --once``, benchmarks): the provider
    should then skip any deliberate pauses between requests.
    """

    paced: bool = True


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page: its entities, the cursor of the next page, and whether the source is done.

    ``degraded`` says the provider skipped or down-graded an item on this page (bad data, a
    detail fetch given up); the engine then removes nothing at the end of this cycle.
    ``notes`` say why, for logs and ``last_error``.
    """

    entities: Sequence[Entity]
    cursor: JsonValue = None
    done: bool = False
    degraded: bool = False
    notes: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Ignored:
    """An event the provider has nothing to say about."""


IGNORED = Ignored()


@dataclass(frozen=True, slots=True)
class EventDelta:
    """Entities an event added or changed, and refs (``kind:namespace/name``) it removed."""

    added: Sequence[Entity] = ()
    removed: Sequence[str] = ()


class EventHandler(Protocol):
    """Turns events on the provider's topics into catalog deltas."""

    def topics(self) -> Sequence[str]: ...

    async def on_event(self, topic: str, payload: Mapping[str, Any]) -> Ignored | EventDelta: ...


class IncrementalEntityProvider(Protocol[ContextT]):
    """A source the engine can walk page by page."""

    @property
    def name(self) -> str:
        """Unique among providers; keys the provider's state and bookkeeping."""
        ...

    def around(self, burst: Burst) -> AbstractAsyncContextManager[ContextT]:
        """Set up (and tear down) whatever one burst needs."""
        ...

    async def next(self, context: ContextT, cursor: JsonValue) -> PageResult:
        """The page after ``cursor`` (``None`` at the start of a cycle)."""
        ...

    @property
    def event_handler(self) -> EventHandler | None:
        """The provider's event handler, if it reacts to events."""
        ...


@dataclass(frozen=True, slots=True)
class IncrementalOptions:
    """How the engine paces and guards one provider (seconds unless noted)."""

    burst_interval: float = 30.0
    burst_length: float = 10.0
    rest_length: float = 30 * 60.0
    backoff: tuple[float, ...] = (30.0, 60.0, 300.0, 1800.0)
    reject_removals_above_percentage: float | None = None
    reject_empty_source_collections: bool = False

    @classmethod
    def from_settings(cls, settings: IncrementalSettings) -> IncrementalOptions:
        return cls(
            burst_interval=settings.burst_interval,
            burst_length=settings.burst_length,
            rest_length=settings.rest_length_seconds,
            backoff=tuple(settings.backoff),
            reject_removals_above_percentage=settings.reject_removals_above_percentage,
            reject_empty_source_collections=settings.reject_empty_source_collections,
        )

    def backoff_delay(self, attempts: int) -> float:
        """The wait after ``attempts`` consecutive failures (1-based); the last step repeats."""
        index = min(len(self.backoff) - 1, max(0, attempts - 1))
        return self.backoff[index]
