"""Turning a filter and a full-text term into SQL that stays fast on every database.

``Selection`` is what a query selects. ``plan_selection`` decides how each condition is
tested, because no single form is fast everywhere:

* a condition matching few entities is best materialised once (``id IN (SELECT …)``);
* one matching most entities is best tested per candidate (a correlated ``EXISTS``: a few
  primary-key lookups), so that a page of 100 in id order stops after ~100 candidates
  instead of first listing half the catalog.

PostgreSQL and MySQL plan semi-joins themselves from their statistics, so they always get
the ``IN`` form. SQLite does not, so each condition is first counted with a cap (a bounded
index scan) and the form chosen from that. The plan also gives the count query for
``totalItems``, driven from the narrowest condition of each alternative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.queries.errors import QueryError
from openchoreo_catalog.catalog.queries.filters import MAX_TEXT, Condition, EntityFilter
from openchoreo_catalog.catalog.queries.keys import (
    IdSelect,
    condition_exists,
    condition_ids,
    correlatable,
    like_pattern,
    text_match_ids,
)
from openchoreo_catalog.db.tables.catalog import entities

SELECTIVE = 20_000
"""Below this many matches a condition is materialised; above, tested per candidate."""


@dataclass(frozen=True, slots=True)
class Selection:
    """A filter and a full-text term, both optional."""

    filter: EntityFilter | None = None
    text_term: str | None = None
    text_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.text_term is not None and len(self.text_term) > MAX_TEXT:
            raise QueryError(f"Invalid fullTextFilterTerm, at most {MAX_TEXT} characters")

    @property
    def empty(self) -> bool:
        return self.filter is None and not self.text_term


@dataclass(slots=True)
class _Part:
    ids: IdSelect
    condition: Condition | None
    estimate: int = SELECTIVE

    @property
    def correlated(self) -> bool:
        return self.condition is not None and correlatable(self.condition)


@dataclass(slots=True)
class SelectionPlan:
    """How to test a selection: alternatives (OR) of parts (AND)."""

    alternatives: list[list[_Part]] = field(default_factory=list)
    dialect: str = "sqlite"

    @property
    def everything(self) -> bool:
        return not self.alternatives

    def predicate(self, entity_id: ColumnElement[int]) -> ColumnElement[bool] | None:
        """A WHERE clause on ``entity_id`` (None when everything matches)."""
        if self.everything:
            return None
        return or_(*(and_(*(self._test(p, entity_id) for p in alt)) for alt in self.alternatives))

    def _test(self, part: _Part, entity_id: ColumnElement[int]) -> ColumnElement[bool]:
        if (
            self.dialect == "sqlite"
            and part.condition is not None
            and part.correlated
            and part.estimate >= SELECTIVE
        ):
            return condition_exists(part.condition, entity_id)
        return entity_id.in_(part.ids)

    def count_query(self) -> Select[int]:
        """``SELECT count(*)`` of the entities selected."""
        if self.everything:
            return select(func.count()).select_from(entities)
        branches: list[Select[int]] = []
        for alternative in self.alternatives:
            driver, *others = sorted(alternative, key=lambda p: p.estimate)
            ids = driver.ids.subquery("driver")
            entity_id = ids.c[0]
            query = select(entity_id)
            for other in others:
                query = query.where(self._test(other, entity_id))
            branches.append(query)
        distinct_ids = union(*branches) if len(branches) > 1 else branches[0].distinct()
        return select(func.count()).select_from(distinct_ids.subquery("selected"))


async def plan_selection(
    conn: AsyncConnection, selection: Selection, *, order_field: str | None = None
) -> SelectionPlan:
    """Plan ``selection`` (see the module docstring); ``order_field`` is the full-text default."""
    dialect = conn.dialect.name
    text_part = _text_part(selection, order_field)
    alternatives: list[list[_Part]] = []
    if selection.filter is not None:
        for conditions in selection.filter.any_of:
            alternatives.append([_Part(condition_ids(c), c) for c in conditions])
    if text_part is not None:
        if alternatives:
            for alternative in alternatives:
                alternative.append(text_part)
        else:
            alternatives.append([text_part])
    plan = SelectionPlan(alternatives, dialect)
    if dialect == "sqlite" and not plan.everything:
        await _estimate(conn, plan)
    return plan


def _text_part(selection: Selection, order_field: str | None) -> _Part | None:
    term = (selection.text_term or "").strip()
    if not term:
        return None
    # Backstage searches the sort field, else metadata.uid, when no fields are named.
    fields = [f.lower() for f in selection.text_fields if f] or [order_field or "metadata.uid"]
    return _Part(text_match_ids(fields, like_pattern(term)), None)


async def _estimate(conn: AsyncConnection, plan: SelectionPlan) -> None:
    """Count each condition's matches up to :data:`SELECTIVE` (bounded index scans)."""
    seen: dict[int, int] = {}
    for alternative in plan.alternatives:
        for part in alternative:
            key = id(part)
            if key not in seen:
                capped = part.ids.limit(SELECTIVE).subquery("capped")
                query = select(func.count()).select_from(capped)
                seen[key] = int((await conn.execute(query)).scalar_one())
            part.estimate = seen[key]
