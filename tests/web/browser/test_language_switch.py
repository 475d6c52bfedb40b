"""The visible language switch in a real browser: Finnish first, Swedish and English one click
away, the choice kept while moving on, and numbers written as each language writes them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

DECIMAL_COMMA = re.compile(r"\d,\d")
DECIMAL_POINT = re.compile(r"\d\.\d")


def switch_to(page: Page, language: str) -> None:
    with page.expect_navigation():
        page.locator(f"nav.languages a[hreflang={language}]").click()


def test_switch_fi_sv_en_changes_language_and_stays_on_the_page(page: Page) -> None:
    page.goto("/indicators")
    headings = {}
    for language in ("fi", "sv", "en"):
        if language != "fi":
            switch_to(page, language)
        assert page.url.endswith("/indicators")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(f"nav.languages a[hreflang={language}]")).to_have_attribute(
            "aria-current", "true"
        )
        headings[language] = page.locator("h1").inner_text()
    assert headings["en"] == "Indicators"
    assert len(set(headings.values())) == 3, headings  # the heading is translated each time


def test_chosen_language_is_kept_on_the_next_page(page: Page) -> None:
    page.goto("/")
    switch_to(page, "sv")
    page.locator("nav[aria-label] a[href='/units']").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_finnish_scorecard_writes_a_decimal_comma_and_english_a_point(page: Page) -> None:
    page.goto("/")
    values = " ".join(page.locator(".card .value").all_inner_texts())
    assert DECIMAL_COMMA.search(values), values
    assert not DECIMAL_POINT.search(values), values
    switch_to(page, "en")
    values = " ".join(page.locator(".card .value").all_inner_texts())
    assert DECIMAL_POINT.search(values), values
    assert not DECIMAL_COMMA.search(values), values
