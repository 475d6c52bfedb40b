"""The waiting-room kiosk: one answer per rendered form, forged forms refused, a fresh form after.

A tablet is used by one customer after another: a double tap or a resent POST must store one
answer, a nonce the app did not sign (or signed for another kiosk) must store nothing, the
thank-you screen must lead back to a fresh form (with a new nonce), and a kiosk taken out of
use must answer 404.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeTimedSerializer

from tests.web.test_feedback_form import feedback_store, questionnaire
from tilannekuva.feedback.store.kiosks import Kiosk
from tilannekuva.web.pages.kiosk import FORM_SALT
from tilannekuva.web.snapshot import Snapshot

SECRET = "test-secret-key-not-for-production"  # tests/web/clients.py


@pytest.fixture
def page_language() -> str:
    return "en"


@pytest.fixture
def kiosk(client: TestClient, county_snapshot: Snapshot) -> Kiosk:
    unit = next(u for u in county_snapshot.units if u.service_area == "oral")
    return feedback_store(client).add_kiosk(unit.unit_id, "Dental waiting room", "fi")


def form_token(page: str) -> str:
    found = re.search(r'name="form_token" value="([^"]+)"', page)
    assert found, "no form token on the page"
    return found.group(1)


def kiosk_answers(client: TestClient, kiosk: Kiosk) -> list[str]:
    return [
        a.response_id
        for a in feedback_store(client).answers(unit_id=kiosk.unit_id)
        if a.channel == "kiosk"
    ]


def test_the_kiosk_opens_in_its_own_language_with_the_service_statements(
    client: TestClient, kiosk: Kiosk
) -> None:
    response = client.get(f"/kiosk/{kiosk.kiosk_id}")  # the browser asks for English
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    assert response.headers["content-language"] == "fi"
    page = response.text
    names = list(dict.fromkeys(re.findall(r'type="radio" id="[^"]+" name="([^"]+)"', page)))
    oral = [s.key for s in questionnaire(client).statements_for("oral")]
    assert names == ["nps", *oral]  # no own statements, no comment: one short screen
    assert "<textarea" not in page
    assert '<script src="/static/kiosk.js" defer></script>' in page
    assert 'data-idle-seconds="60"' in page
    for code in ("fi", "sv", "en"):
        assert f'href="/kiosk/{kiosk.kiosk_id}?lang={code}"' in page
    swedish = client.get(f"/kiosk/{kiosk.kiosk_id}?lang=sv")
    assert questionnaire(client).recommend["sv"] in swedish.text


def test_an_answer_is_stored_and_thanks_lead_back_to_a_fresh_form(
    client: TestClient, kiosk: Kiosk
) -> None:
    first = client.get(f"/kiosk/{kiosk.kiosk_id}?lang=sv").text
    token = form_token(first)
    posted = client.post(
        f"/kiosk/{kiosk.kiosk_id}?lang=sv", data={"form_token": token, "nps": "10", "s2": "5"}
    )
    assert posted.status_code == 200
    assert "no-store" in posted.headers["cache-control"]
    assert f'href="/kiosk/{kiosk.kiosk_id}" id="new-answer"' in posted.text
    assert 'data-return-seconds="8"' in posted.text
    [stored] = [a for a in feedback_store(client).answers() if a.channel == "kiosk"]
    assert stored.unit_id == kiosk.unit_id and stored.service_area == "oral"
    assert stored.nps == 10 and stored.statements["s2"] == 5
    assert stored.language == "sv" and stored.invitation_id is None
    nonce = URLSafeTimedSerializer(SECRET, salt=FORM_SALT).loads(token)[1]
    assert feedback_store(client).answer_by_key(f"kiosk:{kiosk.kiosk_id}:{nonce}") is not None
    fresh = client.get(f"/kiosk/{kiosk.kiosk_id}").text
    assert form_token(fresh) != token  # the next customer's form stores its own answer


def test_a_double_submission_stores_one_answer(client: TestClient, kiosk: Kiosk) -> None:
    token = form_token(client.get(f"/kiosk/{kiosk.kiosk_id}").text)
    for _ in range(3):
        again = client.post(
            f"/kiosk/{kiosk.kiosk_id}?lang=en", data={"form_token": token, "nps": "7"}
        )
        assert again.status_code == 200
        assert "Thank you for your feedback" in again.text
    assert len(kiosk_answers(client, kiosk)) == 1


def test_two_forms_store_two_answers(client: TestClient, kiosk: Kiosk) -> None:
    for score in ("9", "4"):
        token = form_token(client.get(f"/kiosk/{kiosk.kiosk_id}").text)
        client.post(f"/kiosk/{kiosk.kiosk_id}", data={"form_token": token, "nps": score})
    assert len(kiosk_answers(client, kiosk)) == 2


@pytest.mark.parametrize(
    "token",
    [
        "",
        "made-up",
        URLSafeTimedSerializer("another-secret", salt=FORM_SALT).dumps(["KIOSK", "nonce"]),
        URLSafeTimedSerializer(SECRET, salt=FORM_SALT).dumps(["another-kiosk", "nonce"]),
    ],
)
def test_a_forged_or_foreign_nonce_is_refused(client: TestClient, kiosk: Kiosk, token: str) -> None:
    token = token.replace("KIOSK", kiosk.kiosk_id)
    refused = client.post(
        f"/kiosk/{kiosk.kiosk_id}?lang=en", data={"form_token": token, "nps": "10"}
    )
    assert refused.status_code == 400
    assert "The form could not be accepted" in refused.text
    assert form_token(refused.text)  # a fresh form to answer again
    assert kiosk_answers(client, kiosk) == []


def test_an_empty_answer_is_refused_with_the_error_linked_to_the_first_question(
    client: TestClient, kiosk: Kiosk
) -> None:
    token = form_token(client.get(f"/kiosk/{kiosk.kiosk_id}").text)
    refused = client.post(f"/kiosk/{kiosk.kiosk_id}?lang=en", data={"form_token": token})
    assert refused.status_code == 422
    assert re.search(r'<a href="#nps-0"[^>]*>Choose at least one answer', refused.text)
    assert form_token(refused.text) == token  # still the same form: answering it stores once
    assert kiosk_answers(client, kiosk) == []


def test_unknown_and_inactive_kiosks_are_404(client: TestClient, kiosk: Kiosk) -> None:
    assert client.get("/kiosk/tk-kiosk-unknown").status_code == 404
    token = form_token(client.get(f"/kiosk/{kiosk.kiosk_id}").text)
    feedback_store(client).set_kiosk_active(kiosk.kiosk_id, False)
    assert client.get(f"/kiosk/{kiosk.kiosk_id}").status_code == 404
    posted = client.post(f"/kiosk/{kiosk.kiosk_id}", data={"form_token": token, "nps": "9"})
    assert posted.status_code == 404
    assert kiosk_answers(client, kiosk) == []
    feedback_store(client).set_kiosk_active(kiosk.kiosk_id, True)
    assert client.get(f"/kiosk/{kiosk.kiosk_id}").status_code == 200
