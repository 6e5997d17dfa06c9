"""Turning a filter and a full-text term into SQL that stays fast on every database.

``Selection`` is what a query selects. ``plan_selection`` decides how each condition is
tested, because no single form is fast everywhere:

* a condition matching few entities is best materialised once (``id IN (SELECT …)``);
* one matching most entities is best tested per candidate (a few primary-key lookups), so
  that a page of 100 in id order stops after ~100 candidates instead of first listing
  half the catalog.

Query planners cannot be trusted to choose: SQLite has no statistics to go by, and
PostgreSQL misjudges how the key and value columns of the search index correlate. So each
condition is first counted with a cap (a bounded index scan, about a millisecond) and the
form is chosen from that; the search-key variants that exist at all (``k``, ``k[]``,
``k[*]``) are looked up too, so the SQL names only those. The plan also gives the count
query for ``totalItems``, driven from the narrowest condition of each alternative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, and_, exists, func, literal, or_, select, union
from sqlalchemy.ext.asyncio import AsyncConnection

from openchoreo_catalog.catalog.queries.errors import QueryError
from openchoreo_catalog.catalog.queries.filters import MAX_TEXT, Condition, EntityFilter
from openchoreo_catalog.catalog.queries.keys import (
    IdSelect,
    SearchKey,
    UidKey,
    condition_ids,
    condition_probe,
    correlatable,
    key_source,
    like_pattern,
    text_match_ids,
)
from openchoreo_catalog.catalog.search import key_hash
from openchoreo_catalog.db.tables.catalog import entities, search

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
    hashes: list[int] = field(default_factory=list)
    estimate: int = SELECTIVE
    unique: bool = False
    """``ids`` lists each entity at most once."""

    @property
    def probed(self) -> bool:
        return (
            self.condition is not None
            and correlatable(self.condition)
            and self.estimate >= SELECTIVE
        )


@dataclass(slots=True)
class SelectionPlan:
    """How to test a selection: alternatives (OR) of parts (AND)."""

    alternatives: list[list[_Part]] = field(default_factory=list)

    @property
    def everything(self) -> bool:
        return not self.alternatives

    def predicate(self, entity_id: ColumnElement[int]) -> ColumnElement[bool] | None:
        """A WHERE clause on ``entity_id`` (None when everything matches)."""
        if self.everything:
            return None
        return or_(*(and_(*(_test(p, entity_id) for p in alt)) for alt in self.alternatives))

    def count_query(self) -> Select[int]:
        """``SELECT count(*)`` of the entities selected."""
        if self.everything:
            return select(func.count()).select_from(entities)
        branches: list[Select[int]] = []
        for alternative in self.alternatives:
            driver, *others = sorted(alternative, key=lambda p: (p.probed, p.estimate))
            ids = driver.ids.subquery("driver")
            entity_id = ids.c[0]
            query = select(entity_id)
            for other in others:
                query = query.where(_test(other, entity_id))
            if len(self.alternatives) == 1 and driver.unique:
                return select(func.count()).select_from(query.subquery("selected"))
            branches.append(query)
        distinct_ids = union(*branches) if len(branches) > 1 else branches[0].distinct()
        return select(func.count()).select_from(distinct_ids.subquery("selected"))


def _test(part: _Part, entity_id: ColumnElement[int]) -> ColumnElement[bool]:
    if part.probed:
        assert part.condition is not None
        return condition_probe(part.condition, entity_id, part.hashes)
    return entity_id.in_(part.ids)


async def plan_selection(
    conn: AsyncConnection, selection: Selection, *, order_field: str | None = None
) -> SelectionPlan:
    """Plan ``selection`` (see the module docstring); ``order_field`` is the full-text default."""
    alternatives: list[list[_Part]] = []
    parts: dict[Condition, _Part] = {}
    if selection.filter is not None:
        for conditions in selection.filter.any_of:
            alternative = []
            for condition in conditions:
                if condition not in parts:
                    parts[condition] = await _part(conn, condition)
                alternative.append(parts[condition])
            alternatives.append(alternative)
    text_part = await _text_part(conn, selection, order_field)
    if text_part is not None:
        if alternatives:
            for alternative in alternatives:
                alternative.append(text_part)
        else:
            alternatives.append([text_part])
    return SelectionPlan(alternatives)


async def _part(conn: AsyncConnection, condition: Condition) -> _Part:
    source = key_source(condition.key)
    hashes: list[int] = []
    unique = isinstance(source, UidKey)
    if isinstance(source, SearchKey):
        hashes = await _existing(conn, source.hashes)
        synthetic = condition.values is None or "true" in condition.values
        single_valued = hashes == [key_hash(source.key)] or (
            condition.values is not None and len(condition.values) == 1
        )
        unique = len(hashes) == 1 and single_valued and not (synthetic and source.synthetic)
    part = _Part(
        condition_ids(condition, hashes if isinstance(source, SearchKey) else None),
        condition,
        hashes,
        unique=unique,
    )
    part.estimate = await _capped_count(conn, part.ids)
    return part


async def _text_part(
    conn: AsyncConnection, selection: Selection, order_field: str | None
) -> _Part | None:
    term = (selection.text_term or "").strip()
    if not term:
        return None
    # Backstage searches the sort field, else metadata.uid, when no fields are named.
    fields = [f.lower() for f in selection.text_fields if f] or [order_field or "metadata.uid"]
    part = _Part(text_match_ids(fields, like_pattern(term)), None)
    part.estimate = await _capped_count(conn, part.ids)
    return part


async def _existing(conn: AsyncConnection, hashes: list[int]) -> list[int]:
    """The key hashes that have at least one row (one index seek each)."""
    probes = [select(literal(h)).where(exists().where(search.c.key_hash == h)) for h in hashes]
    result = await conn.execute(union(*probes))
    present = {row[0] for row in result}
    return [h for h in hashes if h in present]


async def _capped_count(conn: AsyncConnection, ids: IdSelect) -> int:
    """How many rows ``ids`` yields, counting no further than :data:`SELECTIVE`."""
    capped = ids.limit(SELECTIVE).subquery("capped")
    count: int = (await conn.execute(select(func.count()).select_from(capped))).scalar_one()
    return count
