"""The traversal: from one cursor to the next, one API list page at a time.

Order: organizations; per organization its environments, dataplanes and component types,
then its projects; per project its components. Each :meth:`Walker.step` makes exactly one
list request in forward motion (the step's page) and returns the raw items to translate
and the cursor after them. Extra list requests happen only to recover:

* **resume** — the page holding a descending level's position is not in this burst's
  memory (new burst, new process): it is fetched again once with the stored token;
* **expired token** (HTTP 410) — only the level that expired is listed again from its first
  page (512 items a page, to get back in the fewest requests), and items up to the last
  name finished there are skipped (Kubernetes lists come in name order); pages skipped
  entirely are walked through within the same step, so the walk progresses even when every
  token expires between two steps. The whole ingestion never restarts. Re-emitting an item
  is harmless (upserts are idempotent), skipping one is not;
* **out-of-order listings** — a level whose pages are not in name order is marked
  ``unordered``; if anything had been skipped by name, the level is walked again in full.

A 404 on a child listing whose code says the parent is gone (``ORGANIZATION_NOT_FOUND``,
``PROJECT_NOT_FOUND``) finishes that parent: it vanished after it was listed, and the next
cycle's sweep removes what it held. Any other failure propagates to the engine, which backs
off and resumes from the last committed cursor.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from openchoreo_catalog.config import MAX_PAGE_SIZE
from openchoreo_catalog.openchoreo import OpenChoreoNotFound
from openchoreo_catalog.pagination import ContinueTokenExpired, MalformedPage
from openchoreo_catalog.providers.openchoreo import source as api
from openchoreo_catalog.providers.openchoreo.cursor import (
    LEAF_PHASES,
    PHASES,
    Cursor,
    Leaf,
    Position,
)
from openchoreo_catalog.providers.openchoreo.emit import item_name, usable_name
from openchoreo_catalog.providers.openchoreo.memory import HeldPage, PageMemory
from openchoreo_catalog.providers.openchoreo.metrics import count_expired, count_unordered

log = logging.getLogger(__name__)

MAX_RELISTS_PER_STEP = 5
"""Expired tokens one step tolerates before the failure goes to the engine's backoff."""
RECOVERY_LIMIT = MAX_PAGE_SIZE
"""Page size of re-lists: the largest the server serves, so the walk gets back to where it
was in as few requests as possible (each one a chance for its token to expire again). The
items past the position on such a page are emitted at once: a recovery page may hold more
than ``chunkSize`` items, never more than 512."""


@dataclass(frozen=True, slots=True)
class Batch:
    """Raw items of one listing to translate: ``kind`` is the listing, parents by name."""

    kind: str
    org: str | None
    project: str | None
    items: Sequence[Any]


@dataclass
class Work:
    """What one step found: items to translate, the cursor after them, and whether done."""

    cursor: Cursor
    batches: list[Batch] = field(default_factory=list)
    done: bool = False
    notes: list[str] = field(default_factory=list)
    """Why the page is degraded (something could not be read), if it is."""
    list_requests: int = 0
    expirations: int = 0


class ParentGone(Exception):
    """A child listing answered 404 because its organization or project vanished."""

    def __init__(self, level: str) -> None:
        self.level = level
        super().__init__(level)


class Advance(Enum):
    PICKED = "picked"
    FETCHED = "fetched"
    EXHAUSTED = "exhausted"


def _template(kind: str) -> str:
    if kind == "orgs":
        return api.ORGS
    if kind == "projects":
        return api.PROJECTS
    if kind == "components":
        return api.COMPONENTS
    return api.ORG_LISTS[kind]


def _params(kind: str, parent: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    if kind != "orgs":
        params["orgName"] = parent[0]
    if kind == "components":
        params["projectName"] = parent[1]
    return params


def _names(items: Sequence[Any]) -> list[str]:
    return [name for name in map(item_name, items) if name is not None]


def _sorted(names: list[str], before: str | None) -> bool:
    """Strictly increasing, and after ``before`` when the page continues a listing."""
    if before is not None and names and names[0] <= before:
        return False
    return all(a < b for a, b in itertools.pairwise(names))


def _start(items: Sequence[Any], at: str | None, after: str | None, unordered: bool) -> int:
    """Index of the first item not yet handled: at-or-after ``at``, or after ``after``."""
    if at is None and after is None:
        return 0
    if unordered:
        target = at if at is not None else after
        for index, item in enumerate(items):
            if item_name(item) == target:
                return index if at is not None else index + 1
        return 0  # not on this page: walk all of it again rather than risk a skip
    for index, item in enumerate(items):
        name = item_name(item)
        if name is None:
            continue
        if (at is not None and name >= at) or (at is None and after is not None and name > after):
            return index
    return len(items)


@dataclass
class _Ahead:
    """A first components page fetched before its project's turn (see ``speculate``)."""

    page: HeldPage | None = None
    error: BaseException | None = None


class Walker:
    """Steps through the platform; holds the burst's page memory.

    ``speculate`` (run-once bursts only): when the walk enters a project, the first
    components page of the next ``speculate`` projects on the held page is requested at
    once. Those listings do not depend on one another, only on the projects page already
    held, so they need not wait their turn: the walk then pays one list round trip per
    organization's project page instead of one per project. Every such page is used when
    its project's turn comes (the walk visits every project of the held page), so nothing
    is fetched twice.
    """

    def __init__(self, source: api.Source, memory: PageMemory, *, speculate: int = 0) -> None:
        self.source = source
        self.memory = memory
        self.speculate = speculate
        self._ahead: dict[tuple[str, str], asyncio.Task[_Ahead]] = {}

    async def aclose(self) -> None:
        tasks, self._ahead = list(self._ahead.values()), {}
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _look_ahead(self, org: str, pos: Position) -> None:
        """Request the first components page of the projects after ``pos.at``."""
        held = self.memory.get("projects", (org,), pos.page)
        if not self.speculate or held is None or pos.at is None:
            return
        start = _start(held.items, pos.at, None, pos.unordered)
        upcoming = [name for name in map(usable_name, held.items[start + 1 :]) if name]
        for project in upcoming[: self.speculate]:
            key = (org, project)
            if key not in self._ahead:
                self._ahead[key] = asyncio.create_task(self._fetch_ahead(org, project))

    async def _fetch_ahead(self, org: str, project: str) -> _Ahead:
        try:
            page = await self._list("components", (org, project), None, Work(cursor=Cursor()))
        except Exception as error:  # raised when (if) the walk gets there
            return _Ahead(error=error)
        return _Ahead(page=page)

    async def _first_components_page(self, parent: tuple[str, ...], work: Work) -> HeldPage | None:
        """The page fetched ahead for this project, if there is one."""
        task = self._ahead.pop((parent[0], parent[1]), None)
        if task is None:
            return None
        ahead = await task
        work.list_requests += 1
        if ahead.error is not None:
            raise ahead.error
        return ahead.page

    async def step(self, cursor: Cursor) -> Work:
        work = Work(cursor=cursor.copy())
        c = work.cursor
        while True:
            if c.orgs.at is None:
                outcome = await self._advance("orgs", (), c.orgs, work)
                if outcome is Advance.EXHAUSTED:
                    work.done = True
                    return work
                if outcome is Advance.FETCHED:
                    return work
                c.phase, c.leaf, c.projects = PHASES[0], Leaf(), Position()
                continue
            org = c.orgs.at
            if c.phase in LEAF_PHASES:
                phase = c.phase
                try:
                    finished = await self._leaf(phase, (org,), c.leaf, work)
                except ParentGone:
                    self._finish_org(c)
                    return work
                except OpenChoreoNotFound as error:
                    # this server lacks the list: nothing to read, but nothing may be removed
                    work.notes.append(f"could not list {phase} of organization {org!r}: {error}")
                    finished = True
                if finished:
                    c.phase = PHASES[PHASES.index(phase) + 1]
                    c.leaf = Leaf()
                return work
            if c.projects.at is None:
                try:
                    outcome = await self._advance("projects", (org,), c.projects, work)
                except ParentGone:
                    self._finish_org(c)
                    return work
                if outcome is Advance.EXHAUSTED:
                    self._finish_org(c)
                    continue
                if outcome is Advance.FETCHED:
                    return work
                c.leaf = Leaf()
                self._look_ahead(org, c.projects)
                continue
            project = c.projects.at
            try:
                finished = await self._leaf("components", (org, project), c.leaf, work)
            except ParentGone as gone:
                if gone.level == "orgs":
                    self._finish_org(c)
                    return work
                finished = True
            if finished:
                c.projects.after, c.projects.at = project, None
                c.leaf = Leaf()
            return work

    @staticmethod
    def _finish_org(c: Cursor) -> None:
        c.orgs.after, c.orgs.at = c.orgs.at, None
        c.phase, c.projects, c.leaf = None, Position(), Leaf()

    # -- descending levels (organizations, projects) ----------------------------------------

    async def _advance(
        self, kind: str, parent: tuple[str, ...], pos: Position, work: Work
    ) -> Advance:
        """Pick the next item to descend into, fetching a page if the held one is used up.

        A forward fetch of a new page ends the step (FETCHED, its items to be emitted);
        recovery fetches (resume, 410, out-of-order) emit what they find and carry on in the
        same step, so a step always ends on one forward request.
        """
        held = self.memory.get(kind, parent, pos.page)
        recovering = held is None
        if held is None:
            held, _ = await self._fetch_descending(kind, parent, pos, pos.page, None, work)
            self._emit_beyond(kind, parent, held, pos, work)
        while True:
            start = _start(held.items, pos.at, pos.after, pos.unordered)
            for item in held.items[start:]:
                name = usable_name(item)
                if name is not None:
                    pos.at, pos.after = name, None
                    return Advance.PICKED
            if held.next_token is None:
                return Advance.EXHAUSTED
            names = _names(held.items)
            if names:  # every item of the held page is finished
                ordered_max = max(names[-1], pos.after or "")
                pos.after = names[-1] if pos.unordered else ordered_max
            held, relisted = await self._fetch_descending(
                kind, parent, pos, held.next_token, names[-1] if names else None, work
            )
            recovering = recovering or relisted
            self._emit_beyond(kind, parent, held, pos, work)
            if not recovering:
                return Advance.FETCHED

    async def _fetch_descending(
        self,
        kind: str,
        parent: tuple[str, ...],
        pos: Position,
        token: str | None,
        before: str | None,
        work: Work,
    ) -> tuple[HeldPage, bool]:
        """The page at ``token``, now held; True if the level had to be listed again.

        An expired token re-lists the level from its first page (the position is kept, so
        finished items are skipped); a page out of name order (``before`` is the last name
        of the page before it) marks the level unordered and re-walks it in full.
        """
        relisted = False
        try:
            page = await self._list(kind, parent, token, work)
        except ContinueTokenExpired:
            self._expired(kind, work)
            token, relisted = None, True
            if pos.unordered:
                pos.at, pos.after = None, None
            page = await self._list(kind, parent, None, work, RECOVERY_LIMIT)
        if not pos.unordered and not _sorted(_names(page.items), None if relisted else before):
            self._mark_unordered(kind, pos)
            if token is not None:
                page = await self._list(kind, parent, None, work, RECOVERY_LIMIT)
            token, relisted = None, True
        pos.page = token
        held = HeldPage(page.items, page.next_token)
        self.memory.put(kind, parent, token, held)
        return held, relisted

    def _mark_unordered(self, kind: str, pos: Position) -> None:
        """Name order cannot be trusted here: walk the level again from its start, in full."""
        count_unordered(kind)
        log.warning("the %s listing is not in name order: walking it again in full", kind)
        pos.unordered = True
        pos.page, pos.after = None, None

    def _emit_beyond(
        self, kind: str, parent: tuple[str, ...], held: HeldPage, pos: Position, work: Work
    ) -> None:
        start = _start(held.items, pos.at, pos.after, pos.unordered)
        if start < len(held.items):
            org = parent[0] if parent else None
            work.batches.append(Batch(kind, org, None, held.items[start:]))

    # -- leaf listings (environments, dataplanes, component types, components) -------------

    async def _leaf(self, kind: str, parent: tuple[str, ...], leaf: Leaf, work: Work) -> bool:
        """Read the next page of a leaf listing; True when the listing is finished."""
        relisting = leaf.next is None and leaf.after is not None
        fresh = leaf.next is None and leaf.after is None
        try:
            ahead = None
            if kind == "components" and fresh:
                ahead = await self._first_components_page(parent, work)
            page = ahead or await self._list(kind, parent, leaf.next, work)
        except ContinueTokenExpired:
            self._expired(kind, work)
            page, relisting = await self._relist_leaf(kind, parent, leaf, work)
        previous = None if relisting else leaf.after
        while True:
            names = _names(page.items)
            if not leaf.unordered and not _sorted(names, previous):
                count_unordered(kind)
                log.warning("the %s listing is not in name order: reading it in full", kind)
                leaf.unordered = True
                if relisting:  # something may have been skipped by name: start over, skip nothing
                    leaf.after = None
                    page = await self._list(kind, parent, None, work, RECOVERY_LIMIT)
                    relisting = False
                    continue
            start = 0 if leaf.unordered else _start(page.items, None, leaf.after, False)
            if relisting and start >= len(page.items) and page.next_token is not None:
                previous = names[-1] if names else previous
                try:
                    page = await self._list(kind, parent, page.next_token, work, RECOVERY_LIMIT)
                except ContinueTokenExpired:
                    self._expired(kind, work)
                    page, relisting = await self._relist_leaf(kind, parent, leaf, work)
                    previous = None
                continue
            break
        if start < len(page.items):
            project = parent[1] if len(parent) > 1 else None
            work.batches.append(Batch(kind, parent[0], project, page.items[start:]))
        if names:
            leaf.after = names[-1] if leaf.unordered else max(names[-1], leaf.after or "")
        leaf.next = page.next_token
        return page.next_token is None

    async def _relist_leaf(
        self, kind: str, parent: tuple[str, ...], leaf: Leaf, work: Work
    ) -> tuple[HeldPage, bool]:
        """After a 410: the listing's first page, and whether items are to be skipped."""
        leaf.next = None
        if leaf.unordered:
            leaf.after = None
        page = await self._list(kind, parent, None, work, RECOVERY_LIMIT)
        return page, leaf.after is not None

    # -- requests --------------------------------------------------------------------------

    def _expired(self, kind: str, work: Work) -> None:
        count_expired(kind)
        work.expirations += 1
        if work.expirations > MAX_RELISTS_PER_STEP:
            raise ContinueTokenExpired(endpoint=f"GET {_template(kind)}")
        log.info("continue token expired in the %s listing: re-listing that level", kind)

    async def _list(
        self,
        kind: str,
        parent: tuple[str, ...],
        token: str | None,
        work: Work,
        limit: int | None = None,
    ) -> HeldPage:
        template = _template(kind)
        work.list_requests += 1
        try:
            page = await self.source.page(template, _params(kind, parent), token, limit)
        except OpenChoreoNotFound as error:
            if error.code == api.ORG_GONE and kind != "orgs":
                raise ParentGone("orgs") from None
            if error.code == api.PROJECT_GONE and kind == "components":
                raise ParentGone("projects") from None
            raise
        if page.has_more and not page.next_token:
            raise MalformedPage("hasMore without a continue token", endpoint=f"GET {template}")
        if token is not None and page.next_token == token:
            raise MalformedPage(
                "the server handed back the token it was sent", endpoint=f"GET {template}"
            )
        return HeldPage(list(page.items), page.next_token)
