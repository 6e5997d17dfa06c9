"""The overlay: what existed at which resource version, merged with the lazy base in order."""

from __future__ import annotations

from openchoreo_catalog.simulator.collection import Collection, Overlay, StaticSeq


def names(collection: Collection, rv: int, limit: int = 100, after: str | None = None) -> list[str]:
    return [i["name"] for i in collection.page(rv, after, limit).items]


def make() -> tuple[Collection, Overlay]:
    base = StaticSeq([{"name": n, "v": 0} for n in ("b", "d", "f", "h")])
    overlay = Overlay()
    overlay.record("e", 2, {"name": "e", "v": 2}, in_base=False)
    overlay.record("d", 3, None, in_base=True)
    overlay.record("f", 4, {"name": "f", "v": 4}, in_base=True)
    overlay.record("a", 5, {"name": "a", "v": 5}, in_base=False)
    overlay.record("e", 6, None, in_base=False)
    return Collection(base, overlay), overlay


def test_each_resource_version_sees_its_own_state() -> None:
    collection, _ = make()
    assert names(collection, 1) == ["b", "d", "f", "h"]
    assert names(collection, 2) == ["b", "d", "e", "f", "h"]
    assert names(collection, 3) == ["b", "e", "f", "h"]
    assert names(collection, 5) == ["a", "b", "e", "f", "h"]
    assert names(collection, 6) == ["a", "b", "f", "h"]
    assert collection.get("f", 3) == {"name": "f", "v": 0}
    assert collection.get("f", 4) == {"name": "f", "v": 4}
    assert collection.get("d", 3) is None


def test_pages_resume_after_a_name_and_say_whether_more_exist() -> None:
    collection, _ = make()
    first = collection.page(5, None, 2)
    assert [i["name"] for i in first.items] == ["a", "b"]
    assert first.last == "b"
    assert first.more
    rest = collection.page(5, first.last, 2)
    assert [i["name"] for i in rest.items] == ["e", "f"]
    assert rest.more
    tail = collection.page(5, rest.last, 2)
    assert [i["name"] for i in tail.items] == ["h"]
    assert not tail.more


def test_a_page_ending_before_only_removed_items_has_no_more() -> None:
    base = StaticSeq([{"name": n} for n in ("a", "b", "c")])
    overlay = Overlay()
    overlay.record("c", 2, None, in_base=True)
    page = Collection(base, overlay).page(2, None, 2)
    assert [i["name"] for i in page.items] == ["a", "b"]
    assert not page.more


def test_counts_and_names_at_a_version() -> None:
    collection, _ = make()
    assert collection.count(1) == 4
    assert collection.count(6) == 4
    assert collection.count(5) == 5
    assert list(collection.names(3)) == ["b", "e", "f", "h"]


def test_without_an_overlay_pages_are_plain_ranges() -> None:
    collection = Collection(StaticSeq([{"name": f"n{i}"} for i in range(5)]))
    page = collection.page(1, "n1", 2)
    assert [i["name"] for i in page.items] == ["n2", "n3"]
    assert page.more
    assert not collection.page(1, "n3", 2).more
