"""The catalog browser in Chromium: filters narrow the table, "Load more" pages through the
catalog API's cursor to the very end (every entity once), and an entity's page shows its
annotations, spec and relations as links that lead to the related entities."""

from __future__ import annotations

import math
from typing import Any

from playwright.async_api import expect

from tests.ui.conftest import BROWSER_TESTS, Audit, Screenshot, Service

pytestmark = BROWSER_TESTS
PAGE = 25


def refs(service: Service, **params: str) -> list[str]:
    """What the catalog API holds for a filter, read in one request (no paging)."""
    items = service.api.get("/api/catalog/entities", params=params).json()
    return sorted(
        f"{e['kind'].lower()}:{e['metadata']['namespace']}/{e['metadata']['name']}" for e in items
    )


async def shown(page: Any) -> list[str]:
    return await page.locator('[data-field="rows"] tr').evaluate_all(
        "rows => rows.map(row => row.dataset.ref)"
    )


async def test_filters_and_load_more_reach_the_end(
    page: Any, service: Service, screenshot: Screenshot, accessible: Audit
) -> None:
    await service.wait_until_ingested()
    components = refs(service, filter="kind=component")
    assert len(components) > 2 * PAGE  # three pages at least

    await page.goto("/#/catalog")
    summary = page.locator('[data-field="summary"]')
    more = page.get_by_role("button", name="Load more")
    await expect(summary).to_contain_text(f"Showing {PAGE} of")
    await page.get_by_label("Kind").select_option("Component")
    total = len(components)
    await expect(summary).to_have_text(f"Showing {PAGE} of {total} entities.")
    assert "kind=Component" in page.url
    pages = math.ceil(total / PAGE)
    for n in range(2, pages + 1):
        await more.click()
        count = min(n * PAGE, total)
        ending = " — all of them" if n == pages else ""
        await expect(summary).to_have_text(f"Showing {count} of {total} entities{ending}.")
    await expect(more).to_be_hidden()
    assert sorted(await shown(page)) == components  # every one, none twice

    namespace = components[0].split(":")[1].split("/")[0]
    await page.get_by_label("Namespace").select_option(namespace)
    await page.get_by_label("Type").select_option("service")
    narrowed = refs(
        service, filter=f"kind=component,metadata.namespace={namespace},spec.type=service"
    )
    await expect(summary).to_have_text(
        f"Showing {len(narrowed)} of {len(narrowed)} entities — all of them."
    )
    assert sorted(await shown(page)) == narrowed
    await page.get_by_label("Text").fill("zzz-no-such-entity")
    await expect(summary).to_have_text("No entity matches these filters.")
    await page.get_by_label("Text").fill("")
    await expect(summary).to_have_text(
        f"Showing {len(narrowed)} of {len(narrowed)} entities — all of them."
    )
    await screenshot(page, "catalog")
    await accessible(page, "the catalog browser")

    first = page.locator('[data-field="rows"] tr').first
    ref = await first.get_attribute("data-ref")
    await first.get_by_role("link").click()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await expect(page.locator(".entity-ref")).to_contain_text(ref)
    annotations = page.get_by_role("region", name="Annotations")
    await expect(annotations).to_contain_text("openchoreo.io/organization")
    await expect(annotations).to_contain_text(namespace)
    await expect(page.get_by_role("region", name="Spec")).to_contain_text("service")
    relations = page.locator('[data-field="relations"]')
    part_of = relations.get_by_role("link", name="system:")
    target = await part_of.first.inner_text()
    await screenshot(page, "entity")
    await accessible(page, "an entity page")
    await part_of.first.click()
    await expect(page.locator(".entity-ref")).to_contain_text(target)
    await expect(page.locator('[data-field="relations"]')).to_contain_text(ref)  # hasPart back
    await page.go_back()
    await expect(page.locator(".entity-ref")).to_contain_text(ref)
    page.console.assert_clean()
