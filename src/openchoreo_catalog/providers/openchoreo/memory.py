"""The pages a burst holds in memory: the current page of organizations and of projects.

The cursor stores only the token that fetched each page; the items stay here for the rest
of the burst, so descending into the next project costs no request. A new burst (or a new
process) starts empty and fetches each page again once, with the stored token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Key = tuple[str, tuple[str, ...], str | None]
"""(level, parent names, token that fetched the page)."""


@dataclass(frozen=True, slots=True)
class HeldPage:
    items: list[Any]
    next_token: str | None


class PageMemory:
    """At most one page per level; a page is found only by the exact (parent, token)."""

    def __init__(self) -> None:
        self._pages: dict[str, tuple[Key, HeldPage]] = {}

    def get(self, level: str, parent: tuple[str, ...], token: str | None) -> HeldPage | None:
        held = self._pages.get(level)
        if held is None or held[0] != (level, parent, token):
            return None
        return held[1]

    def put(self, level: str, parent: tuple[str, ...], token: str | None, page: HeldPage) -> None:
        self._pages[level] = ((level, parent, token), page)

    def clear(self) -> None:
        self._pages.clear()
