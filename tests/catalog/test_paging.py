"""Keyset paging: every entity exactly once while the catalog changes; cursors are opaque."""

from __future__ import annotations

import random

import orjson
import pytest

from openchoreo_catalog.catalog import CatalogStore, Delta, Full
from openchoreo_catalog.catalog.queries import (
    OrderField,
    QueryError,
    QueryRequest,
    QueryResult,
    Selection,
    parse_filter_params,
)
from openchoreo_catalog.catalog.queries import selection as selection_module
from openchoreo_catalog.db import Database
from tests.fixtures.entities import entity

TOTAL = 10_000


def _resource(index: int) -> dict[str, object]:
    return entity("Resource", f"r{index:05d}", spec={"type": "database" if index % 2 else "queue"})


def _refs(result: QueryResult) -> list[str]:
    return [f"resource:default/{orjson.loads(i)['metadata']['name']}" for i in result.items]


async def _walk_while_changing(
    store: CatalogStore, order: OrderField | None, rng: random.Random, alive: set[str]
) -> tuple[list[str], set[str], set[str]]:
    """Page through resources, adding and removing some between pages."""
    seen: list[str] = []
    removed: set[str] = set()
    added: set[str] = set()
    selection = Selection(parse_filter_params(["kind=resource"]))
    result = await store.query_entities(QueryRequest(selection, order=order, limit=700))
    total = result.total_items
    next_index = TOTAL + len(alive)
    while True:
        seen += _refs(result)
        assert result.total_items == total  # counted once, carried by the cursor
        if not result.next_cursor:
            return seen, removed, added
        victims = rng.sample(sorted(alive - removed), 15)
        fresh = [_resource(next_index + i) for i in range(10)]
        next_index += 10
        await store.apply_mutation("p", Delta(added=fresh, removed=victims))
        removed.update(victims)
        added.update(f"resource:default/{e['metadata']['name']}" for e in fresh)  # type: ignore[index]
        result = await store.query_entities(QueryRequest(cursor=result.next_cursor, limit=700))


@pytest.mark.slow
@pytest.mark.parametrize("probed", [False, True], ids=["materialised", "probed"])
async def test_paging_returns_each_entity_once_while_entities_come_and_go(
    database: Database, probed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if probed:
        monkeypatch.setattr(selection_module, "SELECTIVE", 1)
    store = CatalogStore(database)
    await store.apply_mutation("p", Full([_resource(i) for i in range(TOTAL)]))
    rng = random.Random(5)
    alive = {f"resource:default/r{i:05d}" for i in range(TOTAL)}
    for order in (None, OrderField("metadata.name", "desc"), OrderField("spec.type")):
        seen, removed, added = await _walk_while_changing(store, order, rng, alive)
        assert len(seen) == len(set(seen)), f"an entity was returned twice ({order})"
        assert alive - removed <= set(seen), f"an entity present throughout was skipped ({order})"
        assert set(seen) <= alive | added
        if order is not None and order.field == "metadata.name":
            assert seen == sorted(seen, reverse=True)
        alive = (alive - removed) | added


async def _page(store: CatalogStore, **kwargs: object) -> QueryResult:
    return await store.query_entities(QueryRequest(**kwargs))  # type: ignore[arg-type]


async def test_prev_cursor_walks_back_to_the_first_page(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Full([_resource(i) for i in range(25)]))
    for order in (None, OrderField("metadata.name", "desc")):
        pages = [await _page(store, order=order, limit=10)]
        assert pages[0].prev_cursor is None
        while pages[-1].next_cursor:
            pages.append(await _page(store, cursor=pages[-1].next_cursor, limit=10))
        assert [len(p.items) for p in pages] == [10, 10, 5]
        assert pages[1].prev_cursor is not None
        back = await _page(store, cursor=pages[2].prev_cursor, limit=10)
        assert back.items == pages[1].items
        first = await _page(store, cursor=back.prev_cursor, limit=10)
        assert first.items == pages[0].items
        assert first.prev_cursor is None
        assert first.next_cursor is not None


async def test_limit_zero_gives_only_the_count(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Full([_resource(i) for i in range(3)]))
    result = await _page(store, limit=0)
    assert (result.items, result.total_items, result.next_cursor) == ([], 3, None)


async def test_an_initial_offset_skips_items(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Full([_resource(i) for i in range(5)]))
    everything = _refs(await _page(store, limit=10))
    assert _refs(await _page(store, limit=2, offset=3)) == everything[3:5]
    ordered = _refs(await _page(store, order=OrderField("metadata.name", "desc"), limit=10))
    assert (
        _refs(await _page(store, order=OrderField("metadata.name", "desc"), limit=2, offset=1))
        == ordered[1:3]
    )


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),
        lambda c: c.replace(".", ".x"),
        lambda c: "A" + c,
        lambda c: c.split(".")[0],
        lambda c: "not-a-cursor",
        lambda c: "",
        lambda c: "%%%.%%%",
        lambda c: "eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA",
    ],
)
async def test_tampered_cursors_are_rejected(database: Database, tamper: object) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Full([_resource(i) for i in range(5)]))
    cursor = (await _page(store, limit=2)).next_cursor
    assert cursor is not None
    with pytest.raises(QueryError):
        await _page(store, cursor=tamper(cursor), limit=2)  # type: ignore[operator]
