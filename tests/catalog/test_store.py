"""``CatalogStore.apply_mutation`` on every backend: deltas, full replacement, idempotency."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc

from openchoreo_catalog.catalog import CatalogStore, Delta, Full, entity_uid
from openchoreo_catalog.db import Database
from tests.catalog.storage import relation_rows, row_counts, search_values, stored_entities
from tests.fixtures.entities import component, entity


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    """Record the SQL statements the database receives."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.strip().split()[0].upper())

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def test_delta_adds_entities_with_uid_etag_and_provider(database: Database) -> None:
    store = CatalogStore(database)
    result = await store.apply_mutation("p", Delta(added=[component("a"), component("b", "org")]))
    assert (result.written, result.unchanged, result.removed, result.rejected) == (2, 0, 0, [])
    assert sorted(result.accepted_refs) == ["component:default/a", "component:org/b"]
    stored = await stored_entities(database)
    a = stored["component:default/a"]
    assert a["provider"] == "p"
    assert a["uid"] == entity_uid("component:default/a")
    assert a["body"]["metadata"] == {
        "name": "a",
        "namespace": "default",
        "uid": a["uid"],
        "etag": a["hash"],
    }


async def test_replaying_a_delta_rewrites_nothing(database: Database) -> None:
    store = CatalogStore(database)
    batch = Delta(added=[component(f"c{i}", system="s") for i in range(20)])
    await store.apply_mutation("p", batch)
    before = await stored_entities(database)
    counts = await row_counts(database)
    with statements(database) as seen:
        result = await store.apply_mutation("p", batch)
    assert (result.written, result.unchanged) == (0, 20)
    assert not {"INSERT", "UPDATE", "DELETE"} & set(seen), seen
    assert await stored_entities(database) == before
    assert await row_counts(database) == counts


async def test_a_changed_entity_is_rewritten_with_its_index(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Delta(added=[component("a", type="service"), component("b")]))
    result = await store.apply_mutation(
        "p", Delta(added=[component("a", type="website", system="shop"), component("b")])
    )
    assert (result.written, result.unchanged) == (1, 1)
    stored = await stored_entities(database)
    a_id = stored["component:default/a"]["id"]
    assert (await search_values(database, "spec.type"))[a_id] == {"website"}
    assert (a_id, "partOf", "system:default/shop") in await relation_rows(database)
    assert stored["component:default/a"]["body"]["spec"]["type"] == "website"


async def test_an_update_leaves_the_index_a_fresh_write_would(database: Database) -> None:
    """Only the search rows that differ are rewritten on an update: the result must be the
    exact index of the new version — a removed field gone, a value changed, one whose
    spelling alone changed (its original kept for facets), the rest untouched."""
    from sqlalchemy import select

    from openchoreo_catalog.catalog.search import search_rows
    from openchoreo_catalog.catalog.validation import validate_entity
    from openchoreo_catalog.db.tables.catalog import search

    def version(title: str, tags: list[str], **spec: Any) -> dict[str, Any]:
        raw = component("a", type="service", **spec)
        raw["metadata"].update(title=title, tags=tags)
        return raw

    store = CatalogStore(database)
    await store.apply_mutation("p", Delta(added=[version("Shop", ["a", "b"], system="x")]))
    newer = version("SHOP", ["b", "c"], lifecycle="beta")
    result = await store.apply_mutation("p", Delta(added=[newer]))
    assert result.written == 1
    entity_id = (await stored_entities(database))["component:default/a"]["id"]
    async with database.read() as conn:
        rows = (
            await conn.execute(
                select(search.c.key_hash, search.c.value, search.c.original_value).where(
                    search.c.entity_id == entity_id
                )
            )
        ).all()
    assert sorted(map(tuple, rows)) == sorted(search_rows(validate_entity(newer)))
    assert (await search_values(database, "metadata.title"))[entity_id] == {"shop"}


async def test_key_order_does_not_count_as_a_change(database: Database) -> None:
    store = CatalogStore(database)
    original = component("a", system="s")
    await store.apply_mutation("p", Delta(added=[original]))
    reordered = {k: original[k] for k in reversed(list(original))}
    reordered["spec"] = {k: original["spec"][k] for k in reversed(list(original["spec"]))}
    result = await store.apply_mutation("p", Delta(added=[reordered]))
    assert (result.written, result.unchanged) == (0, 1)


async def test_removal_touches_only_the_providers_own_entities(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Delta(added=[component("a", system="s"), component("b")]))
    await store.apply_mutation("q", Delta(added=[component("theirs")]))
    result = await store.apply_mutation(
        "p",
        Delta(removed=["component:default/a", "Component:theirs", "component:default/ghost"]),
    )
    assert result.removed == 1
    assert result.removed_refs == ["component:default/a"]
    assert [(r.ref, r.reason) for r in result.rejected] == [
        ("component:default/theirs", "provided by 'q', so not removed for 'p'")
    ]
    assert sorted(await stored_entities(database)) == [
        "component:default/b",
        "component:default/theirs",
    ]
    ids = {e["id"] for e in (await stored_entities(database)).values()}
    assert {source for source, _, _ in await relation_rows(database)} <= ids
    assert set(await search_values(database, "metadata.name")) == ids
    again = await store.apply_mutation("p", Delta(removed=["component:default/a"]))
    assert (again.removed, again.rejected) == (0, [])


async def test_removed_then_added_in_one_delta_ends_present(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Delta(added=[component("a")]))
    result = await store.apply_mutation(
        "p", Delta(added=[component("a", type="website")], removed=["component:default/a"])
    )
    assert (result.removed, result.written) == (1, 1)
    assert (await stored_entities(database))["component:default/a"]["body"]["spec"]["type"] == (
        "website"
    )


async def test_full_replaces_exactly_the_providers_entities(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("q", Full([component("other")]))
    await store.apply_mutation("p", Full([component("a"), component("b")]))
    result = await store.apply_mutation("p", Full([component("b"), component("c")]))
    assert (result.written, result.unchanged, result.removed) == (1, 1, 1)
    assert result.removed_refs == ["component:default/a"]
    assert sorted(await stored_entities(database)) == [
        "component:default/b",
        "component:default/c",
        "component:default/other",
    ]
    emptied = await store.apply_mutation("p", Full([]))
    assert emptied.removed == 2
    assert sorted(await stored_entities(database)) == ["component:default/other"]


async def test_an_invalid_entity_is_rejected_alone(database: Database) -> None:
    store = CatalogStore(database)
    bad = component("ok-name")
    bad["metadata"]["name"] = "not valid!"
    result = await store.apply_mutation("p", Delta(added=[component("a"), bad, component("b")]))
    assert result.written == 2
    [rejection] = result.rejected
    assert rejection.index == 1
    assert rejection.ref == "component:default/not valid!"
    assert rejection.reason.startswith("metadata.name: expected a string that is sequences")
    assert sorted(await stored_entities(database)) == ["component:default/a", "component:default/b"]


async def test_full_keeps_the_stored_version_of_an_entity_that_became_invalid(
    database: Database,
) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Full([component("a"), component("b")]))
    broken = component("a", owner="group:")
    result = await store.apply_mutation("p", Full([broken, component("b")]))
    assert result.removed == 0
    assert [r.reason.split(":")[0] for r in result.rejected] == ["spec.owner"]
    assert sorted(await stored_entities(database)) == ["component:default/a", "component:default/b"]


async def test_a_ref_owned_by_another_provider_is_not_taken_over(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation("p", Delta(added=[component("a", type="service")]))
    result = await store.apply_mutation("q", Delta(added=[component("A", type="website")]))
    assert result.written == 0
    assert [(r.ref, r.reason) for r in result.rejected] == [
        ("component:default/a", "component:default/a is already provided by 'p'")
    ]
    stored = (await stored_entities(database))["component:default/a"]
    assert (stored["provider"], stored["body"]["spec"]["type"]) == ("p", "service")


async def test_the_last_of_duplicate_refs_in_a_batch_wins(database: Database) -> None:
    store = CatalogStore(database)
    result = await store.apply_mutation(
        "p", Delta(added=[component("a", type="one"), component("A", type="two")])
    )
    assert result.written == 1
    assert (await stored_entities(database))["component:default/a"]["body"]["spec"]["type"] == "two"


async def test_relations_are_stored_as_declared(database: Database) -> None:
    store = CatalogStore(database)
    await store.apply_mutation(
        "p",
        Delta(
            added=[
                component("a", "org", system="shop", provides=["a-http"]),
                entity("Environment", "dev", "org", spec={"type": "dev", "dataPlaneRef": "dp"}),
            ]
        ),
    )
    ids = {ref: e["id"] for ref, e in (await stored_entities(database)).items()}
    assert await relation_rows(database) == {
        (ids["component:org/a"], "ownedBy", "group:org/guests"),
        (ids["component:org/a"], "partOf", "system:org/shop"),
        (ids["component:org/a"], "providesApi", "api:org/a-http"),
        (ids["environment:org/dev"], "hostedOn", "dataplane:org/dp"),
    }


async def test_with_conn_the_mutation_is_part_of_the_callers_transaction(
    database: Database,
) -> None:
    store = CatalogStore(database)

    class Abort(Exception):
        pass

    async def write_then_abort() -> None:
        async with database.transaction() as conn:
            result = await store.apply_mutation("p", Delta(added=[component("a")]), conn=conn)
            assert result.written == 1
            raise Abort

    with pytest.raises(Abort):
        await write_then_abort()
    assert await stored_entities(database) == {}

    async with database.transaction() as conn:
        await store.apply_mutation("p", Delta(added=[component("a")]), conn=conn)
        await store.apply_mutation("p", Delta(added=[component("b")]), conn=conn)
    assert sorted(await stored_entities(database)) == ["component:default/a", "component:default/b"]


async def test_a_transient_failure_retries_the_whole_mutation(database: Database) -> None:
    store = CatalogStore(database)
    failures = 1

    def fail_once(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        nonlocal failures
        if statement.lstrip().upper().startswith("INSERT INTO CATALOG_SEARCH") and failures:
            failures -= 1
            raise sa_exc.OperationalError(
                statement, {}, sqlite3.OperationalError("database is locked")
            )

    event.listen(database.engine.sync_engine, "before_cursor_execute", fail_once)
    try:
        result = await store.apply_mutation("p", Delta(added=[component("a"), component("b")]))
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", fail_once)
    assert failures == 0
    assert (result.written, result.unchanged) == (2, 0)
    assert await row_counts(database) == (2, (await row_counts(database))[1], 2)


@pytest.mark.slow
async def test_a_sweep_of_100000_refs_fits_the_bind_limit(sqlite_database: Database) -> None:
    store = CatalogStore(sqlite_database)
    existing = [entity("Location", f"l{i}") for i in range(30_000)]
    assert (await store.apply_mutation("p", Full(existing))).written == 30_000
    refs = [f"location:default/l{i}" for i in range(100_000)]
    result = await store.apply_mutation("p", Delta(removed=refs))
    assert result.removed == 30_000
    assert await row_counts(sqlite_database) == (0, 0, 0)
    async with sqlite_database.read() as conn:
        assert (await conn.execute(text("SELECT 1"))).scalar() == 1
