"""One page of a paginated list, independent of the server's wire format."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """A page of items and what is needed to ask for the next one.

    ``next_token`` is the only thing that says whether more pages follow: ``None`` and ``""``
    both mean "this was the last page" (Go omits an empty ``continue``). ``has_more`` is
    kept as the server said it, so protocol violations can be reported, not silently
    trusted. A page may be short or even empty while more follow (authorization filtering).
    """

    items: Sequence[T]
    next_token: str | None = None
    resource_version: str | None = None
    has_more: bool = False

    @property
    def is_last(self) -> bool:
        return not self.next_token

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with each item converted (raw JSON → model, say)."""
        return Page(
            items=[convert(item) for item in self.items],
            next_token=self.next_token,
            resource_version=self.resource_version,
            has_more=self.has_more,
        )


PageFetcher = Callable[[str | None], Awaitable[Page[T]]]
"""Fetches the page after ``token`` (``None`` for the first page)."""
