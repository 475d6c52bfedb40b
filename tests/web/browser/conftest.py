"""Fixtures of the browser tests: the app served over HTTP and Debian's Chromium driving it.

One server and one browser serve the whole test session (starting Chromium takes a second or
two); every test gets a fresh browser context, so cookies (language, session) never leak from
one test to the next. The tests are marked ``browser``.

Without ``/usr/bin/chromium`` the tests are skipped on a developer's machine, but fail in CI
(``CI=true``): CI installs Chromium (``.ci/run``), so a missing browser there is a broken
set-up, not a reason to pass silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.web.browser.accounts import ANALYST, MANAGER, Account
from tests.web.browser.harness import AXE_SCRIPT, CHROMIUM, LiveServer, launch_chromium
from tilannekuva.web.accounts import AccountStore
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import SnapshotStore

BROWSER_SECRET = "browser-test-secret-not-for-production"
VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "browser: drives the app in headless Chromium (Debian's /usr/bin/chromium) over HTTP",
    )


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def browser_web_config(
    county_warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> WebConfig:
    """The live server's configuration: the test county and its own operational store, with
    one analyst and one unit manager made through the accounts store (as `tilannekuva users`
    makes them)."""
    database_url = f"sqlite:///{tmp_path_factory.mktemp('browser-store') / 'operational.sqlite'}"
    store = AccountStore.open(database_url)
    try:
        for account in (ANALYST, MANAGER):
            store.add_user(
                account.username,
                account.password,
                role=account.role,
                display_name=account.display_name,
            )
    finally:
        store.close()
    return WebConfig(
        warehouse=county_warehouse, database_url=database_url, secret_key=BROWSER_SECRET
    )


@pytest.fixture(scope="session")
def live_server(
    browser_web_config: WebConfig, county_snapshots: SnapshotStore
) -> Iterator[LiveServer]:
    with LiveServer(create_app(browser_web_config, snapshots=county_snapshots)) as server:
        yield server


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = launch_chromium(playwright)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """A fresh profile whose browser asks for Finnish, as most of the county's readers do."""
    opened = browser.new_context(
        base_url=live_server.base_url,
        viewport=VIEWPORT,  # type: ignore[arg-type]
        locale="fi-FI",
        accept_downloads=True,
    )
    opened.set_default_timeout(TIMEOUT_MS)
    yield opened
    opened.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session")
def axe_available() -> Path:
    """axe-core's browser build from ``node_modules`` (``npm ci``; ``make test`` runs it)."""
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` in the repository root")
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def analyst() -> Account:
    return ANALYST


@pytest.fixture(scope="session")
def manager() -> Account:
    return MANAGER


@pytest.fixture(scope="session")
def reception_unit_id(county_snapshots: SnapshotStore) -> str:
    """A health station's reception, the kind of unit a unit manager opens most."""
    units = county_snapshots.current().units
    return next(unit.unit_id for unit in units if unit.service_area == "reception")
