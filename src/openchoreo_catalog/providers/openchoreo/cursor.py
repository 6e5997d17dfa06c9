"""The incremental provider's cursor: where the walk is, in a few hundred bytes of JSON.

Its size does not depend on how many organizations, projects or components exist (the seed
kept every name it had seen). Per level it holds only:

* **descending levels** (organizations, a organization's projects) — ``page``: the continue
  token that fetched the page holding the position (``null`` for the first page), and the
  position in it: ``at`` (the item being descended into) or ``after`` (the last item
  finished). The page itself lives in the burst's memory; after a resume it is fetched
  again once with ``page`` (which also gives back its next token, so that is not stored).
* **the leaf listing** being read (an organization's environments, dataplanes or component
  types, or a project's components) — ``next``: the token of the next page, and ``after``:
  the last name read. ``next: null`` with ``after`` set means "re-list from the start and
  skip what was read" (the state an expired token leaves).

``unordered`` marks a level whose listing was seen out of name order: positions are then
found by name equality only and an expired token re-walks the level in full, because
skipping by name would risk missing items.

Example (reading components of the 4th project of the 2nd organization)::

    {"v": 1,
     "orgs": {"page": null, "at": "org-0001-globex"},
     "phase": "projects",
     "projects": {"page": null, "at": "proj-0003-search"},
     "leaf": {"next": "eyJ2IjoxLCJydiI6MTAwMC…", "after": "comp-0511-cart"}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openchoreo_catalog.ingestion.protocol import JsonValue

VERSION = 1
PHASES = ("environments", "dataplanes", "componentTypes", "projects")
LEAF_PHASES = PHASES[:-1]


class InvalidCursor(ValueError):
    """A persisted cursor this provider cannot read (another version, or corrupted)."""


@dataclass
class Position:
    """Where a descending level stands: in which page, and at or after which item."""

    page: str | None = None
    at: str | None = None
    after: str | None = None
    unordered: bool = False

    def to_json(self) -> dict[str, JsonValue]:
        data: dict[str, JsonValue] = {"page": self.page}
        if self.at is not None:
            data["at"] = self.at
        elif self.after is not None:
            data["after"] = self.after
        if self.unordered:
            data["unordered"] = True
        return data

    @classmethod
    def from_json(cls, data: Any) -> Position:
        if not isinstance(data, dict):
            raise InvalidCursor("a level is not an object")
        return cls(
            page=_opt_str(data, "page"),
            at=_opt_str(data, "at"),
            after=_opt_str(data, "after"),
            unordered=data.get("unordered") is True,
        )


@dataclass
class Leaf:
    """Where the leaf listing stands: the next page's token and the last name read."""

    next: str | None = None
    after: str | None = None
    unordered: bool = False

    def to_json(self) -> dict[str, JsonValue]:
        data: dict[str, JsonValue] = {"next": self.next}
        if self.after is not None:
            data["after"] = self.after
        if self.unordered:
            data["unordered"] = True
        return data

    @classmethod
    def from_json(cls, data: Any) -> Leaf:
        if not isinstance(data, dict):
            raise InvalidCursor("the leaf level is not an object")
        return cls(
            next=_opt_str(data, "next"),
            after=_opt_str(data, "after"),
            unordered=data.get("unordered") is True,
        )


@dataclass
class Cursor:
    """The whole walk's position (see the module docstring)."""

    orgs: Position = field(default_factory=Position)
    phase: str | None = None
    """The organization phase, one of :data:`PHASES`, while ``orgs.at`` is set."""
    projects: Position = field(default_factory=Position)
    leaf: Leaf = field(default_factory=Leaf)

    def to_json(self) -> dict[str, JsonValue]:
        data: dict[str, JsonValue] = {"v": VERSION, "orgs": self.orgs.to_json()}
        if self.phase is not None:
            data["phase"] = self.phase
        if self.phase == "projects":
            data["projects"] = self.projects.to_json()
        if self.phase in LEAF_PHASES or self.projects.at is not None:
            data["leaf"] = self.leaf.to_json()
        return data

    @classmethod
    def from_json(cls, data: JsonValue) -> Cursor:
        if data is None:
            return cls()
        if not isinstance(data, dict) or data.get("v") != VERSION:
            raise InvalidCursor(f"not a version {VERSION} OpenChoreo cursor")
        phase = data.get("phase")
        if phase is not None and phase not in PHASES:
            raise InvalidCursor(f"unknown phase {phase!r}")
        cursor = cls(orgs=Position.from_json(data.get("orgs")), phase=phase)
        if "projects" in data:
            cursor.projects = Position.from_json(data["projects"])
        if "leaf" in data:
            cursor.leaf = Leaf.from_json(data["leaf"])
        if (cursor.orgs.at is None) != (phase is None):
            raise InvalidCursor("a phase needs an organization and an organization a phase")
        return cursor

    def copy(self) -> Cursor:
        return Cursor.from_json(self.to_json())


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidCursor(f"{key!r} is not a string")
    return value
