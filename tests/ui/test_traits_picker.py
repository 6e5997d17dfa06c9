"""The traits picker in Chromium: an organization with more traits than one page (130, the
page holding 100 as the seed's picker asks) is listed in full with "Load more traits", and
ticking traits (by mouse or keyboard) shows each one's parameter schema."""

from __future__ import annotations

import json
from typing import Any

from playwright.async_api import expect

from tests.ui.conftest import BROWSER_TESTS, Audit, Screenshot, Service

pytestmark = BROWSER_TESTS


async def test_load_more_lists_every_trait_and_ticked_traits_show_their_schema(
    page: Any, service: Service, screenshot: Screenshot, accessible: Audit
) -> None:
    org = service.sim.admin.dataset(components=False)["orgs"][1]
    name = org["org"]["name"]
    expected = [t["name"] for t in org["traits"]]
    assert len(expected) > 100
    service.sim.admin.reset_requests()

    await page.goto("/#/traits")
    await page.get_by_label("Organization").select_option(name)
    status = page.locator('[data-field="trait-count"]')
    more = page.get_by_role("button", name="Load more traits")
    await expect(status).to_have_text("100 traits loaded; more are available.")
    await more.click()
    await expect(status).to_have_text(f"All {len(expected)} traits loaded.")
    await expect(more).to_be_hidden()
    boxes = page.locator('[data-field="traits"] input[type="checkbox"]')
    assert await boxes.evaluate_all("boxes => boxes.map(box => box.value)") == expected
    sent = [
        r["query"]
        for r in service.sim.admin.requests()["recent"]
        if r["path"] == f"/api/v1/orgs/{name}/traits"
    ]
    assert len(sent) == 2
    assert sent[0] == "limit=100"
    assert sent[1].startswith("limit=100&continue=")
    assert f"org={name}" in page.url

    await page.get_by_role("checkbox", name="Autoscaler").check()
    ingress = page.get_by_role("checkbox", name="Ingress")
    await ingress.focus()
    await page.keyboard.press("Space")
    await expect(ingress).to_be_checked()
    for trait in ("autoscaler", "ingress"):
        card = page.locator(f'[data-trait="{trait}"]')
        await expect(card.get_by_role("table")).to_contain_text("minReplicas")
        await expect(card.get_by_role("row", name="enabled")).to_contain_text("yes")
    value = page.locator('[data-field="field-value"]')
    await expect(value).to_contain_text('"instanceName": "ingress-1"')
    chosen = json.loads(await value.inner_text())
    assert [t["name"] for t in chosen] == ["autoscaler", "ingress"]
    assert chosen[0]["config"] == {"enabled": True}
    await screenshot(page, "traits")
    await accessible(page, "the traits picker")

    await page.get_by_role("checkbox", name="Autoscaler").uncheck()
    await expect(page.locator('[data-trait="autoscaler"]')).to_have_count(0)
    page.console.assert_clean()
