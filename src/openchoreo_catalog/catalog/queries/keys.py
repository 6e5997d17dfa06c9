"""Where the values of a filter key live, and the SQL that finds entities by them.

Most keys are rows of the search index (``catalog_search``). A key ``k`` is answered from
the rows of ``k``, ``k[]`` (string items of arrays) and ``k[*]`` (other values under arrays,
see ``catalog.search``); Backstage's
synthetic array keys (``metadata.tags.java`` = ``true``) from the ``[]`` rows of every
prefix (``metadata.tags[]`` = ``java``). ``relations.<type>`` is answered from the relations
table — the declared direction and the inverse one — and ``metadata.uid`` from the entity row.

Every builder returns plain SQLAlchemy Core, so the query modules compose them freely.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, false, literal, or_, select, union_all
from sqlalchemy.sql.expression import CompoundSelect

from openchoreo_catalog.catalog.queries.filters import Condition
from openchoreo_catalog.catalog.relations import INVERSE, RELATION_TYPES
from openchoreo_catalog.catalog.search import ITEM_SUFFIX, NESTED_SUFFIX, NULL_VALUE, key_hash
from openchoreo_catalog.db.tables.catalog import entities, relations, search

IdSelect = Select[int] | CompoundSelect[int]


@dataclass(frozen=True, slots=True)
class SearchKey:
    key: str

    @property
    def hashes(self) -> list[int]:
        """The bare key, its array string items, and its other values under arrays."""
        return [key_hash(self.key), *self.multi_hashes]

    @property
    def multi_hashes(self) -> list[int]:
        """The variants that may hold several values per entity."""
        return [key_hash(self.key + ITEM_SUFFIX), key_hash(self.key + NESTED_SUFFIX)]

    @property
    def synthetic(self) -> list[tuple[int, str]]:
        """``(hash of prefix[], item)`` for each way ``key`` splits into array path and item."""
        parts: list[tuple[int, str]] = []
        for index, char in enumerate(self.key):
            if char == "." and 0 < index < len(self.key) - 1:
                parts.append((key_hash(self.key[:index] + ITEM_SUFFIX), self.key[index + 1 :]))
        return parts


@dataclass(frozen=True, slots=True)
class RelationKey:
    type: str | None
    """Canonical relation type; None for a type no entity can have."""


@dataclass(frozen=True, slots=True)
class UidKey:
    pass


KeySource = SearchKey | RelationKey | UidKey


def key_source(key: str) -> KeySource:
    key = key.lower()
    if key == "metadata.uid":
        return UidKey()
    if key.startswith("relations."):
        return RelationKey(RELATION_TYPES.get(key[len("relations.") :]))
    return SearchKey(key)


def _values(condition: Condition) -> list[str] | None:
    if condition.values is None:
        return None
    return [v for v in condition.values if v != NULL_VALUE]


def condition_ids(condition: Condition, hashes: list[int] | None = None) -> IdSelect:
    """SELECT of the ids of entities meeting ``condition`` (ids may repeat).

    ``hashes`` narrows a search key to the key variants known to exist (see
    ``selection``); by default all are tried.
    """
    source = key_source(condition.key)
    values = _values(condition)
    if isinstance(source, UidKey):
        query = select(entities.c.id)
        return query if values is None else query.where(entities.c.uid.in_(values))
    if isinstance(source, RelationKey):
        return _relation_ids(source, values)
    return _search_ids(source, values, source.hashes if hashes is None else hashes)


def _search_ids(source: SearchKey, values: list[str] | None, hashes: list[int]) -> IdSelect:
    parts: list[Select[int]] = []
    if hashes:
        direct = select(search.c.entity_id).where(search.c.key_hash.in_(hashes))
        if values is not None:
            direct = direct.where(search.c.value.in_(values))
        parts.append(direct)
    if values is None or "true" in values:
        parts += [
            select(search.c.entity_id).where(search.c.key_hash == h, search.c.value == item)
            for h, item in source.synthetic
        ]
    if not parts:
        return select(search.c.entity_id).where(false())
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _relation_ids(source: RelationKey, values: list[str] | None) -> IdSelect:
    if source.type is None or values == []:
        return select(entities.c.id).where(false())
    declared = select(relations.c.source_id).where(relations.c.type == source.type)
    if values is not None:
        declared = declared.where(relations.c.target_ref.in_(values))
    target = entities.alias("target")
    origin = entities.alias("origin")
    inverse = (
        select(target.c.id)
        .select_from(target.join(relations, relations.c.target_ref == target.c.ref))
        .where(relations.c.type == INVERSE[source.type])
    )
    if values is not None:
        inverse = inverse.join(origin, origin.c.id == relations.c.source_id).where(
            origin.c.ref.in_(values)
        )
    return union_all(declared, inverse)


def condition_probe(
    condition: Condition, entity_id: ColumnElement[int], hashes: list[int]
) -> ColumnElement[bool]:
    """A per-entity test of ``condition`` for the entity whose id is ``entity_id``.

    Only for search keys with values: each test is a few primary-key lookups, which beats
    materialising a large id set when most entities match. Written as a scalar subquery
    with ``LIMIT 1`` rather than ``EXISTS``, because PostgreSQL turns ``EXISTS`` into a
    semi-join whose method it picks from (correlated-column) estimates it gets wrong; a
    scalar subquery always runs per candidate row, which is the point.
    """
    source = key_source(condition.key)
    values = _values(condition)
    assert isinstance(source, SearchKey)
    assert values is not None
    tests: list[ColumnElement[bool]] = []
    if values and hashes:
        tests.append(
            _probe(
                search.c.key_hash.in_(hashes),
                search.c.value.in_(values),
                search.c.entity_id == entity_id,
            )
        )
    if "true" in values:
        tests += [
            _probe(search.c.key_hash == h, search.c.value == item, search.c.entity_id == entity_id)
            for h, item in source.synthetic
        ]
    return or_(*tests) if tests else false()


def _probe(*where: ColumnElement[bool]) -> ColumnElement[bool]:
    return select(literal(1)).where(*where).limit(1).scalar_subquery().is_not(None)


def correlatable(condition: Condition) -> bool:
    """Whether :func:`condition_probe` applies (a search key compared with values)."""
    return condition.values is not None and isinstance(key_source(condition.key), SearchKey)


def text_match_ids(fields: list[str], pattern: str) -> IdSelect:
    """Ids of entities where any of ``fields`` contains ``pattern`` (a LIKE pattern)."""
    parts: list[IdSelect] = []
    search_hashes: list[int] = []
    for field in fields:
        source = key_source(field)
        if isinstance(source, SearchKey):
            search_hashes += source.hashes
        elif isinstance(source, UidKey):
            parts.append(select(entities.c.id).where(entities.c.uid.like(pattern, escape="\\")))
        elif source.type is not None:
            target = entities.alias("t_target")
            origin = entities.alias("t_origin")
            parts.append(
                select(relations.c.source_id).where(
                    relations.c.type == source.type,
                    relations.c.target_ref.like(pattern, escape="\\"),
                )
            )
            parts.append(
                select(target.c.id)
                .select_from(
                    target.join(relations, relations.c.target_ref == target.c.ref).join(
                        origin, origin.c.id == relations.c.source_id
                    )
                )
                .where(
                    relations.c.type == INVERSE[source.type],
                    origin.c.ref.like(pattern, escape="\\"),
                )
            )
    if search_hashes:
        parts.insert(
            0,
            select(search.c.entity_id).where(
                search.c.key_hash.in_(search_hashes),
                search.c.value.like(pattern, escape="\\"),
                search.c.value != NULL_VALUE,
            ),
        )
    if not parts:
        return select(entities.c.id).where(false())
    return parts[0] if len(parts) == 1 else union_all(*parts)


def like_pattern(term: str) -> str:
    """``%term%`` for LIKE, with the wildcards of ``term`` itself escaped."""
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
