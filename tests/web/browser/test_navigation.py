"""Click-through in a real browser: from the scorecard to an indicator, from the unit list to
a unit and on to its indicators, and the skip link for keyboard users.

These follow the newcomer of issue 3 ("did we meet the 7-day care guarantee target last
quarter, and which health station is furthest from it?") through links only, as a person
would, instead of typing addresses.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_scorecard_card_opens_its_indicator(page: Page) -> None:
    page.goto("/")
    card = page.locator("#card-care_guarantee_7d")
    name = card.locator("h2").inner_text()
    card.locator("h2 a").click()
    assert page.url.endswith("/indicators/care_guarantee_7d")
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("#explorer-table")).to_be_visible()


def test_scorecard_compare_link_opens_units_side_by_side(page: Page) -> None:
    page.goto("/")
    page.locator("#card-care_guarantee_7d a[href*='scope=unit']").click()
    assert "scope=unit" in page.url and "period=quarter" in page.url
    assert page.locator("input[name=scope][value=unit]").is_checked()
    assert page.locator("input[name=period][value=quarter]").is_checked()
    expect(page.locator("#explorer-table tbody tr").first).to_be_visible()


def test_unit_list_opens_a_unit_and_its_indicators(page: Page, reception_unit_id: str) -> None:
    page.goto("/units")
    link = page.locator(f"a[href='/units/{reception_unit_id}']")
    name = link.inner_text()
    link.click()
    expect(page.locator("h1")).to_have_text(name)
    table = page.locator("table.unit-indicators")
    expect(table).to_be_visible()
    first_indicator = table.locator("tbody th a").first
    indicator_name = first_indicator.inner_text()
    first_indicator.click()
    assert "/indicators/" in page.url
    expect(page.locator("h1")).to_have_text(indicator_name)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_class("skip-link")
    expect(focused).to_be_visible()  # shown when focused, not only to screen readers
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")
