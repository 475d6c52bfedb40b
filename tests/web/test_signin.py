"""Signing in and out, through the form or the county's identity provider, and the audit trail.

What people rely on: the right password signs in and returns to the page they came from;
a wrong one says the same thing whether the user exists or not, and five of them lock the
username for 15 minutes; forms without their token and redirects to other sites are refused;
people without a Tilannekuva group at the identity provider are told they have no access;
and every view of record ids is in the audit trail before the page is shown — or the page is
not shown at all.
"""

from __future__ import annotations

import json
import re
import socket
from base64 import b64decode
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import httpx2
import itsdangerous
import pytest
from fastapi import Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.web.accounts.fake_idp import CLIENT_ID, CLIENT_SECRET, RunningProvider
from tests.web.accounts.hashing import cheap_hashing
from tests.web.clients import SECRET
from tests.web.sessions import SESSION_COOKIE, session_cookie
from tilannekuva.web.accounts import AccountStore
from tilannekuva.web.accounts.store import MAX_FAILED_SIGNINS
from tilannekuva.web.app import create_app
from tilannekuva.web.audit import record_view
from tilannekuva.web.config import OidcConfig, WebConfig
from tilannekuva.web.pages.signin import METHOD_SESSION_KEY, safe_next
from tilannekuva.web.snapshot import SnapshotStore
from tilannekuva.web.viewer import SESSION_USER_KEY

__all__ = ["cheap_hashing"]  # a fixture of these tests
pytestmark = pytest.mark.usefixtures("cheap_hashing")

PASSWORD = "oikea-salasana-123"
WRONG = "vaara-salasana-456"
INVALID_MESSAGE = "The username or password is not correct."


def session_of(client: TestClient) -> dict[str, Any]:
    """The session the app's signed cookie holds (empty when there is none)."""
    cookie = client.cookies.get(SESSION_COOKIE)
    if not cookie:
        return {}
    payload = itsdangerous.TimestampSigner(SECRET).unsign(cookie)
    data: dict[str, Any] = json.loads(b64decode(payload))
    return data


def form_token(client: TestClient, page: str = "/signin") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert match is not None, f"{page} has no form token"
    return match.group(1)


def sign_in(
    client: TestClient, username: str, password: str, *, next_path: str = "/", token: str = ""
) -> httpx2.Response:
    return client.post(
        "/signin",
        data={
            "username": username,
            "password": password,
            "next": next_path,
            "csrf_token": token or form_token(client),
        },
        follow_redirects=False,
    )


def english(client: TestClient) -> TestClient:
    client.cookies.set("lang", "en")
    return client


@pytest.fixture
def accounts(client: TestClient) -> AccountStore:
    """The app's own store, with an analyst, a unit manager and a disabled user."""
    store: AccountStore = client.app.state.accounts  # type: ignore[attr-defined]
    store.add_user("aino", PASSWORD, role="analyst", display_name="Aino Analyytikko")
    store.add_user("mervi", PASSWORD, role="manager", display_name="Mervi Manageri")
    store.add_user("entinen", PASSWORD, role="manager")
    store.disable("entinen")
    return store


# --- the form ------------------------------------------------------------------------------


def test_the_form_has_labelled_fields_a_token_and_the_page_to_return_to(
    client: TestClient,
) -> None:
    page = english(client).get("/signin", params={"next": "/quality?unit=u1"})
    assert page.status_code == 200
    assert '<label for="username">' in page.text and 'id="username"' in page.text
    assert '<label for="password">' in page.text and 'type="password"' in page.text
    assert 'name="csrf_token"' in page.text
    assert 'name="next" value="/quality?unit=u1"' in page.text
    assert page.text.count("<h1>") == 1
    assert "/signin/oidc" not in page.text  # no identity provider configured


@pytest.mark.parametrize("role_user", ["aino", "mervi"])
def test_the_right_password_signs_in_and_returns_to_the_page(
    client: TestClient, accounts: AccountStore, role_user: str
) -> None:
    before = form_token(client)
    answer = sign_in(
        client, role_user.upper(), PASSWORD, next_path="/quality?unit=u1", token=before
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/quality?unit=u1"
    user = accounts.user(role_user)
    assert user is not None
    assert session_of(client) == {
        SESSION_USER_KEY: {"username": role_user, "name": user.display_name, "role": user.role},
        METHOD_SESSION_KEY: "password",
    }  # a fresh session: the token of before is gone with everything else
    home = english(client).get("/")
    assert user.display_name in home.text and "Sign out" in home.text
    assert form_token(client, "/") != before


@pytest.mark.parametrize(
    ("username", "password"), [("nobody", PASSWORD), ("aino", WRONG), ("entinen", PASSWORD)]
)
def test_unknown_user_wrong_password_and_disabled_user_get_the_same_answer(
    client: TestClient, accounts: AccountStore, username: str, password: str
) -> None:
    answer = sign_in(english(client), username, password)
    assert answer.status_code == 400
    assert INVALID_MESSAGE in answer.text
    assert 'class="error-summary"' in answer.text
    assert f'<a href="#username">{INVALID_MESSAGE}</a>' in answer.text
    assert 'aria-invalid="true" aria-describedby="username-error"' in answer.text
    assert f'value="{username}"' in answer.text  # the username is kept, the password is not
    assert password not in answer.text
    assert SESSION_USER_KEY not in session_of(client)


def test_empty_fields_are_each_named_and_linked(client: TestClient) -> None:
    answer = sign_in(english(client), " ", "")
    assert answer.status_code == 400
    assert '<a href="#username">Enter your username.</a>' in answer.text
    assert '<a href="#password">Enter your password.</a>' in answer.text
    assert "<title>Error: Sign in" in answer.text


def test_five_failures_lock_the_username_even_for_the_right_password(
    client: TestClient, accounts: AccountStore
) -> None:
    english(client)
    for _ in range(MAX_FAILED_SIGNINS):
        assert sign_in(client, "aino", WRONG).status_code == 400
    locked = sign_in(client, "aino", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    assert SESSION_USER_KEY not in session_of(client)
    assert sign_in(client, "mervi", PASSWORD).status_code == 303  # others are not locked


@pytest.mark.parametrize("token", ["", "forged-token"])
def test_a_form_without_its_token_is_refused(
    client: TestClient, accounts: AccountStore, token: str
) -> None:
    form_token(client)  # the session has a token, the form does not carry it
    answer = client.post(
        "/signin",
        data={"username": "aino", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert SESSION_USER_KEY not in session_of(client)


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/page",
        "https://evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/ok\r\nSet-Cookie: x=1",
        "",
    ],
)
def test_sign_in_never_redirects_to_another_site(
    client: TestClient, accounts: AccountStore, target: str
) -> None:
    answer = sign_in(client, "aino", PASSWORD, next_path=target)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/units/u1?period=2025-03#x", "/units/u1?period=2025-03#x"),
        ("/", "/"),
        (None, "/"),
        ("units", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("/a\\b", "/"),
        ("http://evil.example/", "/"),
        ("/tab\there", "/"),
    ],
)
def test_only_paths_of_this_site_are_followed(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_sign_out_needs_the_form_token_and_ends_the_session(
    client: TestClient, accounts: AccountStore
) -> None:
    assert sign_in(client, "aino", PASSWORD).status_code == 303
    refused = client.post("/signout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert refused.status_code == 400
    assert SESSION_USER_KEY in session_of(client)
    done = client.post(
        "/signout", data={"csrf_token": form_token(client, "/")}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert session_of(client) == {}
    assert "Sign in" in english(client).get("/").text


def test_a_user_disabled_while_signed_in_is_signed_out_at_the_next_request(
    client: TestClient, accounts: AccountStore
) -> None:
    assert sign_in(client, "aino", PASSWORD).status_code == 303
    assert "Aino Analyytikko" in english(client).get("/").text
    accounts.disable("aino")
    home = client.get("/")
    assert "Aino Analyytikko" not in home.text and "Sign out" not in home.text
    assert SESSION_USER_KEY not in session_of(client)


def test_a_sign_in_is_written_to_the_audit_trail(
    client: TestClient, accounts: AccountStore
) -> None:
    sign_in(client, "mervi", PASSWORD)
    entry = accounts.audit_entries()[0]
    assert (entry.username, entry.role, entry.action, entry.detail) == (
        "mervi",
        "manager",
        "sign_in",
        "password",
    )


# --- the audit trail of record-id views ----------------------------------------------------


def ids_page(request: Request, unit: str) -> PlainTextResponse:
    """What a page showing record ids does: audit first, then show."""
    record_view(request, action="view_quality_ids", subject=unit, detail="c-17, c-42")
    return PlainTextResponse("c-17, c-42")


@pytest.fixture
def app_with_ids_page(web_config: WebConfig, county_snapshots: SnapshotStore) -> Iterator[Any]:
    app = create_app(web_config, snapshots=county_snapshots)
    app.add_api_route("/test-ids/{unit}", ids_page)
    yield app
    app.state.accounts.close()


def test_a_record_id_view_is_audited_with_who_when_and_what(app_with_ids_page: Any) -> None:
    with TestClient(app_with_ids_page) as client:
        client.cookies.set(SESSION_COOKIE, session_cookie(SECRET, "mervi", "manager"))
        assert client.get("/test-ids/u7").text == "c-17, c-42"
    [entry] = app_with_ids_page.state.accounts.audit_entries()
    assert (entry.username, entry.role, entry.action, entry.subject, entry.detail) == (
        "mervi",
        "manager",
        "view_quality_ids",
        "u7",
        "c-17, c-42",
    )
    assert entry.at.tzinfo is not None


def test_ids_are_not_shown_when_the_audit_trail_cannot_be_written(
    app_with_ids_page: Any,
) -> None:
    store: AccountStore = app_with_ids_page.state.accounts
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE audit_log"))
    with TestClient(app_with_ids_page, raise_server_exceptions=False) as client:
        client.cookies.set(SESSION_COOKIE, session_cookie(SECRET, "aino", "analyst"))
        answer = client.get("/test-ids/u7")
    assert answer.status_code == 503  # the audit database failed: nothing shown
    assert "c-17" not in answer.text


def test_ids_are_never_shown_to_a_public_visitor(app_with_ids_page: Any) -> None:
    with TestClient(app_with_ids_page, raise_server_exceptions=False) as client:
        answer = client.get("/test-ids/u7")
    assert answer.status_code == 500
    assert "c-17" not in answer.text
    assert app_with_ids_page.state.accounts.audit_entries() == []


# --- the county's identity provider --------------------------------------------------------


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[RunningProvider]:
    running = RunningProvider()
    yield running
    running.stop()


@pytest.fixture
def oidc_client(
    web_config: WebConfig, county_snapshots: SnapshotStore, identity_provider: RunningProvider
) -> Iterator[TestClient]:
    oidc = OidcConfig(
        issuer=identity_provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    app = create_app(replace(web_config, oidc=oidc), snapshots=county_snapshots)
    with TestClient(app) as client:
        yield english(client)
    app.state.accounts.close()


def through_the_provider(client: TestClient, next_path: str = "/") -> httpx2.Response:
    """The browser's round trip: to the provider, back with a code, to the callback."""
    start = client.get("/signin/oidc", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 302, start.text
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302, at_provider.text
    assert at_provider.headers["location"].startswith("http://testserver/signin/oidc/callback?")
    return client.get(at_provider.headers["location"], follow_redirects=False)


def test_the_form_offers_the_identity_provider_when_one_is_configured(
    oidc_client: TestClient,
) -> None:
    page = oidc_client.get("/signin", params={"next": "/units"})
    assert "Sign in with the county's identity provider" in page.text
    assert 'href="/signin/oidc?next=/units"' in page.text


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["staff", "tilannekuva-analyst"], "analyst"),
        (["tilannekuva-manager"], "manager"),
        ("tilannekuva-manager", "manager"),
    ],
)
def test_the_provider_signs_in_with_the_role_its_groups_grant(
    oidc_client: TestClient,
    identity_provider: RunningProvider,
    groups: list[str] | str,
    role: str,
) -> None:
    identity_provider.provider.claims = {
        "sub": "5f1c",
        "preferred_username": "liisa.laakari",
        "name": "Liisa Lääkäri",
        "groups": groups,
    }
    done = through_the_provider(oidc_client, "/quality")
    assert done.status_code == 303
    assert done.headers["location"] == "/quality"
    assert session_of(oidc_client) == {
        SESSION_USER_KEY: {"username": "liisa.laakari", "name": "Liisa Lääkäri", "role": role},
        METHOD_SESSION_KEY: "oidc",
    }
    assert identity_provider.provider.token_requests[-1]["code_verifier"]  # PKCE was used
    accounts: AccountStore = oidc_client.app.state.accounts  # type: ignore[attr-defined]
    entry = accounts.audit_entries()[0]
    assert (entry.username, entry.role, entry.action, entry.detail) == (
        "liisa.laakari",
        role,
        "sign_in",
        "oidc",
    )


def test_the_provider_without_a_tilannekuva_group_gives_no_access(
    oidc_client: TestClient, identity_provider: RunningProvider
) -> None:
    identity_provider.provider.claims = {"sub": "9a", "name": "Ulla Ulkopuolinen", "groups": ["x"]}
    refused = through_the_provider(oidc_client)
    assert refused.status_code == 403
    assert "No access to Tilannekuva" in refused.text
    assert "Ulla Ulkopuolinen" in refused.text
    assert SESSION_USER_KEY not in session_of(oidc_client)


def test_a_callback_that_this_browser_did_not_start_is_refused(
    oidc_client: TestClient, identity_provider: RunningProvider
) -> None:
    identity_provider.provider.claims = {"sub": "1", "groups": ["tilannekuva-analyst"]}
    start = oidc_client.get("/signin/oidc", follow_redirects=False)
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    forged = re.sub(r"state=[^&]+", "state=forged", at_provider.headers["location"])
    answer = oidc_client.get(forged, follow_redirects=False)
    assert answer.status_code == 400
    assert "Sign-in with the identity provider did not succeed" in answer.text
    assert SESSION_USER_KEY not in session_of(oidc_client)


def test_an_unreachable_provider_is_explained_on_the_form(
    web_config: WebConfig, county_snapshots: SnapshotStore
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    oidc = OidcConfig(f"http://127.0.0.1:{closed_port}", CLIENT_ID, CLIENT_SECRET)
    app = create_app(replace(web_config, oidc=oidc), snapshots=county_snapshots)
    with TestClient(app) as client:
        answer = english(client).get("/signin/oidc", follow_redirects=False)
    app.state.accounts.close()
    assert answer.status_code == 502
    assert "Sign-in with the identity provider did not succeed" in answer.text
    assert '<a href="#oidc-signin">' in answer.text and 'id="oidc-signin"' in answer.text


def test_the_provider_route_does_not_exist_without_a_provider(client: TestClient) -> None:
    assert client.get("/signin/oidc", follow_redirects=False).status_code == 404
    assert client.get("/signin/oidc/callback", follow_redirects=False).status_code == 404
