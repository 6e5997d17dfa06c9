"""The ingestion dashboard in Chromium: a cycle progresses to resting, the trigger button
(after asking for the token) starts the next one, whose progress shows as it happens, and a
destructive action asks for confirmation first."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from tests.ui.conftest import BROWSER_TESTS, PROVIDER, TOKEN, Audit, Screenshot, Service

pytestmark = BROWSER_TESTS


async def test_a_cycle_rests_and_the_trigger_button_starts_the_next(
    page: Any, service: Service, screenshot: Screenshot, accessible: Audit
) -> None:
    await page.goto("/#/ingestion")
    card = page.locator(f'[data-provider="{PROVIDER}"]')
    status = card.locator('[data-field="status"]')
    newest = card.locator('[data-field="cycles"] tr').first

    await expect(status).to_have_text("resting", timeout=60_000)
    await expect(newest).to_have_attribute("data-result", "ingested; resting")
    first_cycle = await newest.get_attribute("data-cycle")
    active = service.detail()["entitiesActive"]
    assert active > 100
    await expect(card.locator('[data-field="seen"]')).to_have_text(
        f"{active:,} of {active:,} active"
    )
    await expect(card.locator('[data-field="countdown"]')).to_contain_text("in 59m")
    await accessible(page, "the dashboard")

    # Slow the next cycle's component listings down, so its progress is there to be seen.
    service.sim.admin.add_fault("latency", match="/components$", ms=400)
    await card.get_by_role("button", name="Trigger now").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("Access token needed")
    await expect(dialog.get_by_label("Token")).to_be_focused()
    await accessible(page, "the token dialog")
    await dialog.get_by_label("Token").fill(TOKEN)
    await dialog.get_by_role("button", name="Use token").click()
    await expect(card.locator('[data-field="action-result"]')).to_contain_text(
        "Next action triggered"
    )
    await expect(page.locator("#token-state")).to_have_text("Token set for this tab")

    await expect(status).to_have_text("bursting")
    await expect(card.locator(f'tr[data-cycle="{first_cycle}"]')).to_have_attribute(
        "data-result", "complete"
    )
    await expect(newest).to_have_attribute("data-result", "in progress")
    pages = card.locator('[data-field="burst"] [data-part="pages"]')
    await expect(pages).to_contain_text("pages")
    seen_first = await pages.inner_text()
    await expect(pages).not_to_have_text(seen_first)  # the burst moves on while we watch
    await expect(card.locator('[data-field="burst"] [data-part="rate"]')).to_contain_text(
        "entities/s"
    )

    # Cancel is destructive: it asks first, and "keep" changes nothing.
    await card.get_by_role("button", name="Cancel cycle").click()
    confirm = page.get_by_role("alertdialog")
    await expect(confirm).to_contain_text("Cancel the current cycle?")
    await confirm.get_by_role("button", name="Keep things as they are").click()
    await expect(confirm).to_be_hidden()
    assert service.detail()["current"]["canceled"] is False

    service.sim.admin.clear_faults()
    await expect(status).to_have_text("resting", timeout=60_000)
    await expect(newest).to_have_attribute("data-result", "ingested; resting")
    assert await newest.get_attribute("data-cycle") != first_cycle
    await expect(card.locator('[data-field="cycles"] tr')).to_have_count(2)
    await screenshot(page, "dashboard")
    page.console.assert_clean()
