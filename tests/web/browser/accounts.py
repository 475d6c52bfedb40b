"""The people of the browser tests, and signing them in through the real sign-in form.

The users are made in the live server's operational store with
:class:`~tilannekuva.web.accounts.AccountStore` (as ``tilannekuva users`` makes them); the
tests then sign in as a person would, typing into the form, so the form, its CSRF token, the
password check and the session cookie are all exercised.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Page

PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class Account:
    """A local user of the live server."""

    username: str
    password: str
    display_name: str
    role: str


ANALYST = Account("aino.analyytikko", PASSWORD, "Aino Analyytikko", "analyst")
MANAGER = Account("eero.esihenkilo", PASSWORD, "Eero Esihenkilö", "manager")


def fill_sign_in_form(page: Page, username: str, password: str) -> None:
    """Open the sign-in page, type the credentials and send the form."""
    page.goto("/signin")
    form = page.locator("form", has=page.locator("input[type=password]"))
    form.locator("input[name=username]").fill(username)
    form.locator("input[type=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit], input[type=submit]").first.click()


def sign_in(page: Page, account: Account) -> None:
    """Sign in with the right password; fails when the page still offers the form."""
    fill_sign_in_form(page, account.username, account.password)
    assert page.locator("form.signout").count() == 1, f"{account.username} was not signed in"
