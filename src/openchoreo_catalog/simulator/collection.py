"""A sorted collection at any resource version: a lazy base plus an overlay of changes.

The base is a generated (or small static) sorted sequence and costs no memory. Changes made
while running (adds, removes, edits) go to an :class:`Overlay` that keeps, per name, the
states it had and the resource version each started at, so "what existed at rv X" is one
lookup. That is what lets every page of one listing read the first page's snapshot, the way
a Kubernetes chunked list does, while new listings see the changes.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

Item = dict[str, Any]


class BaseSeq(Protocol):
    def __len__(self) -> int: ...
    def name(self, i: int) -> str: ...
    def item(self, i: int) -> Item: ...
    def index_of(self, name: str) -> int | None: ...


class StaticSeq:
    """A small base held whole: a list of items sorted by ``name``."""

    def __init__(self, items: list[Item]) -> None:
        self._items = sorted(items, key=lambda item: str(item["name"]))
        self._index = {item["name"]: i for i, item in enumerate(self._items)}

    def __len__(self) -> int:
        return len(self._items)

    def name(self, i: int) -> str:
        return str(self._items[i]["name"])

    def item(self, i: int) -> Item:
        return self._items[i]

    def index_of(self, name: str) -> int | None:
        return self._index.get(name)


class _Names(Sequence[str]):
    """The base's names as a sequence, for ``bisect``."""

    def __init__(self, base: BaseSeq) -> None:
        self._base = base

    def __len__(self) -> int:
        return len(self._base)

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self._base.name(i)


@dataclass
class Overlay:
    """Changes to one collection: names the base lacks, and per-name state history."""

    added: list[str] = field(default_factory=list)
    """Sorted names that are not in the base (they exist from their first history entry)."""
    history: dict[str, list[tuple[int, Item | None]]] = field(default_factory=dict)
    """name → [(rv, state)] in rv order; ``None`` means removed from that rv on."""

    def record(self, name: str, rv: int, state: Item | None, *, in_base: bool) -> None:
        if not in_base and name not in self.history:
            insort(self.added, name)
        self.history.setdefault(name, []).append((rv, state))


@dataclass(frozen=True, slots=True)
class Slice:
    items: list[Item]
    last: str | None
    """The last name evaluated (the continue position), or ``None`` if none was."""
    more: bool
    """Whether an item exists after ``last`` at this resource version."""


class Collection:
    def __init__(self, base: BaseSeq, overlay: Overlay | None = None) -> None:
        self.base = base
        self.overlay = overlay

    def get(self, name: str, rv: int) -> Item | None:
        """The item called ``name`` as it was at ``rv``, or ``None``."""
        return self._state(name, self.base.index_of(name), rv)

    def page(self, rv: int, after: str | None, limit: int) -> Slice:
        """Up to ``limit`` items after the name ``after``, as of ``rv``."""
        base = self.base
        start = 0 if after is None else bisect_right(_Names(base), after)
        if self.overlay is None:  # the hot path: a generated range, nothing to merge
            end = min(start + limit, len(base))
            items = [base.item(i) for i in range(start, end)]
            return Slice(items, base.name(end - 1) if items else after, end < len(base))
        items = []
        last = after
        for name, index in self._names_after(after, start):
            state = self._state(name, index, rv)
            if state is None:
                continue
            if len(items) == limit:
                return Slice(items, last, True)
            items.append(state)
            last = name
        return Slice(items, last, False)

    def names(self, rv: int) -> Iterator[str]:
        """Every name that existed at ``rv``, in order."""
        for name, index in self._names_after(None, 0):
            if self._state(name, index, rv) is not None:
                yield name

    def count(self, rv: int) -> int:
        """How many items existed at ``rv`` (cheap: only the overlay is examined)."""
        total = len(self.base)
        if self.overlay is None:
            return total
        for name in self.overlay.history:
            index = self.base.index_of(name)
            exists = self._state(name, index, rv) is not None
            if index is None and exists:
                total += 1
            elif index is not None and not exists:
                total -= 1
        return total

    def _names_after(self, after: str | None, start: int) -> Iterator[tuple[str, int | None]]:
        base = self.base
        added = self.overlay.added if self.overlay is not None else []
        i, n = start, len(base)
        a = 0 if after is None else bisect_right(added, after)
        while i < n or a < len(added):
            if a >= len(added) or (i < n and base.name(i) < added[a]):
                yield base.name(i), i
                i += 1
            else:
                yield added[a], None
                a += 1

    def _state(self, name: str, index: int | None, rv: int) -> Item | None:
        if self.overlay is not None:
            entries = self.overlay.history.get(name)
            if entries:
                for entry_rv, state in reversed(entries):
                    if entry_rv <= rv:
                        return state
        return self.base.item(index) if index is not None else None
