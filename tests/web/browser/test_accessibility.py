"""WCAG 2.1 AA in a real browser: axe-core finds no serious or critical violation on any page.

The Act on the Provision of Digital Services (306/2019) requires WCAG 2.1 AA of a public
body's web service. Every page type is scanned in Finnish (the default), the scorecard also in
Swedish and English, and the unit page also as a signed-in analyst and unit manager (they see
more: unsuppressed numbers, record ids). Each scan also checks that the page broke none of its
own Content-Security-Policy (an inline style or script would be blocked and logged) and threw
no script error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page

from tests.web.browser.accounts import Account, sign_in
from tests.web.browser.harness import axe_violations, blocking, describe

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("axe_available")]

PAGES = {
    "scorecard": "/",
    "indicator list": "/indicators",
    "indicator": "/indicators/care_guarantee_7d?period=quarter&scope=unit",
    "unit list": "/units",
    "quality": "/quality",
    "loads": "/loads",
    "sign-in": "/signin",
}
UNIT_PAGE = "/units/{unit_id}"


@dataclass
class Findings:
    """What opening one page turned up: its status, axe's blocking violations, and messages
    of blocked content (CSP) or script errors."""

    status: int
    violations: list[dict[str, Any]]
    problems: list[str]


def examine(page: Page, path: str, *, before_scan: str | None = None) -> Findings:
    """Open ``path``, optionally run ``before_scan`` in the page, and scan it."""
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    response = page.goto(path)
    assert response is not None
    if before_scan is not None:
        page.evaluate(before_scan)
    found = blocking(axe_violations(page))
    return Findings(response.status, found, problems)


def scan(page: Page, path: str, *, expect_status: int = 200) -> None:
    """Assert the page's status, no serious or critical axe violation, no CSP breach and no
    script error."""
    findings = examine(page, path)
    assert findings.status == expect_status, f"{path} answered {findings.status}"
    assert not findings.violations, f"{path}:\n{describe(findings.violations)}"
    assert not findings.problems, "\n".join(findings.problems)


def test_scan_catches_a_missing_text_alternative_and_an_inline_style(page: Page) -> None:
    """The scan itself works on these pages: axe runs under the page's CSP, and a blocked
    inline style is seen (otherwise every scan below would pass for the wrong reason)."""
    broken = """() => {
        const image = document.createElement('img');
        image.src = '/static/favicon.svg';
        document.querySelector('main').append(image);
        const style = document.createElement('style');
        style.textContent = 'main { color: #777; }';
        document.head.append(style);
    }"""
    findings = examine(page, "/", before_scan=broken)
    assert "image-alt" in {violation["id"] for violation in findings.violations}
    assert any("inline style" in problem for problem in findings.problems), findings.problems


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_in_finnish_has_no_serious_violation(page: Page, path: str) -> None:
    scan(page, path)
    assert page.locator("html").get_attribute("lang") == "fi"


def test_unit_page_in_finnish_has_no_serious_violation(page: Page, reception_unit_id: str) -> None:
    scan(page, UNIT_PAGE.format(unit_id=reception_unit_id))


def test_not_found_page_has_no_serious_violation(page: Page) -> None:
    scan(page, "/indicators/no_such_indicator", expect_status=404)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_scorecard_in_other_languages_has_no_serious_violation(page: Page, language: str) -> None:
    scan(page, f"/?lang={language}")
    assert page.locator("html").get_attribute("lang") == language


@pytest.mark.parametrize("person", ["analyst", "manager"])
def test_signed_in_unit_page_has_no_serious_violation(
    page: Page,
    request: pytest.FixtureRequest,
    reception_unit_id: str,
    person: str,
) -> None:
    account: Account = request.getfixturevalue(person)
    sign_in(page, account)
    scan(page, UNIT_PAGE.format(unit_id=reception_unit_id))
    assert page.get_by_text(account.display_name).first.is_visible()
