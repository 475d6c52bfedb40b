"""The answer routes served ahead of the page middleware (``web/answer_routes.py``).

The form's POST and the SMS webhooks skip the session, page-cache and router layers; what a
respondent's browser and the gateway get must not change with it: the same security and
language headers as every page, the same error answers, and only these requests take the
short way.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.api.test_sms_webhook import AUTH, invite, reply, sms_config, store_of
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.store import NewInvitation
from tilannekuva.web.answer_routes import answer_endpoint
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.middleware import CONTENT_SECURITY_POLICY
from tilannekuva.web.snapshot import SnapshotStore

__all__ = ["sms_config"]  # the fixture, shared with the webhook tests


@pytest.fixture
def client(sms_config: WebConfig, county_snapshots: SnapshotStore) -> Iterator[TestClient]:
    with TestClient(create_app(sms_config, snapshots=county_snapshots)) as test_client:
        yield test_client


def http(method: str, path: str) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path}


@pytest.mark.parametrize(
    ("method", "path", "taken"),
    [
        ("POST", "/f/AbC_123-xyz", True),
        ("POST", "/api/v1/sms/inbound", True),
        ("POST", "/api/v1/sms/receipts", True),
        ("GET", "/f/AbC_123-xyz", False),  # the form itself is a page
        ("POST", "/f/", False),
        ("POST", "/f/token/more", False),
        ("POST", "/api/v1/sms/inbound/", False),
        ("POST", "/api/v1/board/events", False),
        ("POST", "/kiosk/some-kiosk", False),
    ],
)
def test_only_posted_answers_take_the_short_way(method: str, path: str, taken: bool) -> None:
    assert (answer_endpoint(http(method, path)) is not None) is taken
    assert answer_endpoint({"type": "websocket", "path": path}) is None


def assert_page_headers(headers: Any, language: str) -> None:
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY + (
        "; frame-ancestors 'none'"
    )
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["content-language"] == language


def test_a_posted_form_is_stored_and_answered_with_the_page_headers(client: TestClient) -> None:
    store = store_of(client)
    invitation, token = store.record_invitation(
        NewInvitation(
            contact_id="contact-form",
            unit_id="unit-1",
            person_key="person-form",
            channel="sms",
            language="sv",
            questionnaire_version=load_questionnaire().version,
            send_after=store.now(),
            valid_for=timedelta(days=7),
        )
    )

    answered = client.post(f"/f/{token}", data={"nps": "9"}, follow_redirects=False)

    assert answered.status_code == 303
    assert answered.headers["location"] == f"/f/{token}"
    assert answered.headers["cache-control"] == "no-store, private"
    assert_page_headers(answered.headers, "sv")  # the invitation's language
    [stored] = [a for a in store.answers() if a.invitation_id == invitation.invitation_id]
    assert (stored.nps, stored.channel, stored.language) == (9, "web_link", "sv")


def test_an_unknown_link_gets_the_translated_page_with_the_page_headers(
    client: TestClient,
) -> None:
    answered = client.post("/f/no-such-token?lang=en", data={"nps": "9"})

    assert answered.status_code == 404
    assert "Feedback link not found" in answered.text
    assert_page_headers(answered.headers, "en")


def test_a_reply_is_answered_in_json_with_the_security_headers(client: TestClient) -> None:
    invite(store_of(client))

    answered = client.post("/api/v1/sms/inbound", json=reply("9"), headers=AUTH)

    assert answered.status_code == 200
    assert answered.json() == {"stored": True, "duplicate": False, "outcome": "answered"}
    assert answered.headers["x-content-type-options"] == "nosniff"
    assert answered.headers["x-frame-options"] == "DENY"


def test_webhook_errors_are_the_apis_json_errors(client: TestClient) -> None:
    refused = client.post("/api/v1/sms/inbound", json=reply("9"))
    assert refused.status_code == 401
    assert refused.json() == {"detail": "a valid bearer token is required"}
    assert refused.headers["www-authenticate"] == "Bearer"

    garbled = client.post("/api/v1/sms/receipts", content=b"{", headers=AUTH)
    assert garbled.status_code == 422
    assert garbled.json()["detail"].startswith("the body is not JSON")
