"""Signing in and out through the real form in a real browser.

A wrong password shows the error summary (focusable, announced, linking to the field); the
right one signs the analyst in, which the page confirms with the analyst role note (numbers
are no longer suppressed); signing out returns to the public view. The pages are read in
English here (the language cookie) so the role notes can be compared word for word.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.web.browser.accounts import Account, fill_sign_in_form, sign_in
from tests.web.browser.harness import LiveServer

pytestmark = pytest.mark.browser

PUBLIC_NOTE = "Groups of fewer than 5 people are hidden to protect privacy."
ANALYST_NOTE = "You see all numbers, small groups included (analyst role)."


@pytest.fixture
def english(context: BrowserContext, live_server: LiveServer) -> None:
    context.add_cookies([{"name": "lang", "value": "en", "url": live_server.base_url}])


@pytest.mark.usefixtures("english")
def test_wrong_password_shows_the_error_summary(page: Page, analyst: Account) -> None:
    fill_sign_in_form(page, analyst.username, "not the right password")
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary.locator("a[href^='#']").first).to_be_visible()
    assert page.title().startswith("Error")
    expect(page.locator("form.signout")).to_have_count(0)
    expect(page.locator("p.role-note")).to_have_text(PUBLIC_NOTE)


@pytest.mark.usefixtures("english")
def test_analyst_signs_in_sees_the_role_note_and_signs_out(page: Page, analyst: Account) -> None:
    page.goto("/")
    expect(page.locator("p.role-note")).to_have_text(PUBLIC_NOTE)
    sign_in(page, analyst)
    expect(page.locator("p.role-note")).to_have_text(ANALYST_NOTE)
    expect(page.locator("header .who")).to_contain_text(analyst.display_name)

    with page.expect_navigation():
        page.locator("form.signout button[type=submit]").click()
    expect(page.locator("form.signout")).to_have_count(0)
    expect(page.locator("a.signin-link")).to_be_visible()
    page.goto("/")
    expect(page.locator("p.role-note")).to_have_text(PUBLIC_NOTE)


@pytest.mark.usefixtures("english")
def test_unit_manager_keeps_the_public_numbers(page: Page, manager: Account) -> None:
    sign_in(page, manager)
    expect(page.locator("header .who")).to_contain_text(manager.display_name)
    expect(page.locator("p.role-note")).to_have_text(PUBLIC_NOTE)
