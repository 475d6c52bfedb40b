"""The one-time web-link form ``/f/{token}``: its states, what it stores, and what it refuses.

A customer opens the link from the SMS: the page must store one answer per invitation under
the key ``web:<invitation id>`` whatever they do (reload, resubmit), refuse an empty
submission with a message linked to the first question, complete an SMS score instead of
asking the score again, and say plainly when the link is unknown or has expired.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tilannekuva.feedback.questionnaire import Questionnaire
from tilannekuva.feedback.store import Answer, FeedbackStore, Invitation, NewInvitation
from tilannekuva.web.snapshot import Snapshot

SERVICE = "reception"  # asks s1–s6 in the packaged questionnaire, plus own_phone_reach


def feedback_store(client: TestClient) -> FeedbackStore:
    store: FeedbackStore = client.app.state.feedback_store  # type: ignore[attr-defined]
    return store


def questionnaire(client: TestClient) -> Questionnaire:
    found: Questionnaire = client.app.state.questionnaire  # type: ignore[attr-defined]
    return found


@pytest.fixture
def unit_id(county_snapshot: Snapshot) -> str:
    return next(u.unit_id for u in county_snapshot.units if u.service_area == SERVICE)


def invite(
    store: FeedbackStore,
    unit_id: str,
    *,
    language: str = "fi",
    sent_days_ago: float = 0,
    valid_days: int = 7,
) -> tuple[Invitation, str]:
    return store.record_invitation(
        NewInvitation(
            contact_id=f"contact-{uuid.uuid4().hex[:8]}",
            unit_id=unit_id,
            person_key=uuid.uuid4().hex,
            channel="sms",
            language=language,
            questionnaire_version="national-1",
            send_after=store.now() - timedelta(days=sent_days_ago),
            valid_for=timedelta(days=valid_days),
            service_area=SERVICE,
        )
    )


def sms_score(store: FeedbackStore, invitation: Invitation, score: int) -> None:
    store.record_answer(
        Answer(
            answer_key=f"sms:provider-{uuid.uuid4().hex[:8]}",
            unit_id=invitation.unit_id,
            channel="sms",
            language=invitation.language,
            questionnaire_version="national-1",
            submitted_at=store.now(),
            invitation_id=invitation.invitation_id,
            service_area=invitation.service_area,
            nps=score,
        )
    )


def radio_names(page: str) -> list[str]:
    """The radio groups of the page in order (one name per question)."""
    names = re.findall(r'type="radio" id="[^"]+" name="([^"]+)"', page)
    return list(dict.fromkeys(names))


def test_unknown_link_is_404_and_never_cached(client: TestClient) -> None:
    response = client.get("/f/not-a-real-token?lang=en")
    assert response.status_code == 404
    assert "This feedback link is not valid" in response.text
    assert "no-store" in response.headers["cache-control"]


def test_full_form_asks_score_statements_of_the_service_own_statements_and_comment(
    client: TestClient, unit_id: str
) -> None:
    invitation, token = invite(feedback_store(client), unit_id)
    response = client.get(f"/f/{token}")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    page = response.text
    asked = questionnaire(client).statements_for(SERVICE)
    assert radio_names(page) == ["nps", *(s.key for s in asked), "own_phone_reach"]
    assert len(re.findall(r'name="nps" value="\d+"', page)) == 11  # 0–10
    assert len(re.findall(r'name="s1" value="\d"', page)) == 6  # 1–5 and "cannot say" (0)
    recommend = questionnaire(client).recommend["fi"]
    assert re.search(r"<legend>.*?" + re.escape(recommend) + r"</legend>", page)
    assert questionnaire(client).recommend_low["fi"] in page  # the ends of the scale named
    assert '<textarea id="comment" name="comment"' in page
    assert response.headers["content-language"] == invitation.language == "fi"
    assert '<html lang="fi">' in page


def test_page_opens_in_the_invitation_language_and_the_switch_still_works(
    client: TestClient, unit_id: str
) -> None:
    store = feedback_store(client)
    _, token = invite(store, unit_id, language="sv")
    swedish = client.get(f"/f/{token}").text
    assert questionnaire(client).recommend["sv"] in swedish
    english = client.get(f"/f/{token}?lang=en").text
    assert questionnaire(client).recommend["en"] in english
    switched = client.get(f"/language/fi?next=/f/{token}", follow_redirects=True)
    assert questionnaire(client).recommend["fi"] in switched.text


def test_submitting_stores_one_web_answer_then_thanks(client: TestClient, unit_id: str) -> None:
    store = feedback_store(client)
    invitation, token = invite(store, unit_id)
    form = {
        "nps": "9",
        "s1": "5",
        "s2": "4",
        "s3": "0",
        "own_phone_reach": "3",
        "comment": "Lääkäri Virtanen oli ystävällinen, soita 040 123 4567.",
    }
    response = client.post(f"/f/{token}?lang=en", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/f/{token}?lang=en"
    stored = store.answer_by_key(f"web:{invitation.invitation_id}")
    assert stored is not None
    assert stored.channel == "web_link"
    assert stored.language == "en"  # the language the page was shown in
    assert stored.invitation_id == invitation.invitation_id
    assert stored.unit_id == unit_id and stored.service_area == SERVICE
    assert stored.nps == 9
    assert stored.statements == {
        "s1": 5,
        "s2": 4,
        "s3": 0,
        "s4": None,
        "s5": None,
        "s6": None,
        "s7": None,
    }
    assert store.own_answers(stored.response_id) == {"own_phone_reach": 3}
    assert stored.free_text_screened == "Lääkäri […] oli ystävällinen, soita […]."
    thanks = client.get(response.headers["location"])
    assert thanks.status_code == 200
    assert "Thank you for your feedback" in thanks.text
    assert "<form" not in thanks.text


def test_a_resubmission_stores_nothing_new(client: TestClient, unit_id: str) -> None:
    store = feedback_store(client)
    invitation, token = invite(store, unit_id)
    client.post(f"/f/{token}", data={"nps": "3"})
    again = client.post(f"/f/{token}?lang=en", data={"nps": "10", "comment": "second"})
    assert again.status_code == 200
    assert "Thank you for your feedback" in again.text
    answers = store.answers(unit_id=unit_id)
    mine = [a for a in answers if a.invitation_id == invitation.invitation_id]
    assert len(mine) == 1
    assert mine[0].nps == 3 and mine[0].free_text is None


def test_an_empty_submission_is_refused_with_an_error_linked_to_the_first_question(
    client: TestClient, unit_id: str
) -> None:
    store = feedback_store(client)
    invitation, token = invite(store, unit_id)
    response = client.post(f"/f/{token}?lang=en", data={"comment": "   "})
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert re.search(r'<a href="#nps-0"[^>]*>Answer at least one question', response.text)
    assert 'id="nps-0" name="nps" value="0" aria-invalid="true"' in response.text
    assert store.answer_by_key(f"web:{invitation.invitation_id}") is None


def test_values_off_the_scale_or_not_asked_are_never_stored(
    client: TestClient, unit_id: str
) -> None:
    store = feedback_store(client)
    invitation, token = invite(store, unit_id)
    tampered = {"nps": "11", "s1": "9", "s7": "5", "own_other": "4", "s2": "-1"}
    refused = client.post(f"/f/{token}", data=tampered)
    assert refused.status_code == 422  # nothing valid was answered
    client.post(f"/f/{token}", data={**tampered, "s2": "2"})
    stored = store.answer_by_key(f"web:{invitation.invitation_id}")
    assert stored is not None
    assert stored.nps is None
    assert {k: v for k, v in stored.statements.items() if v is not None} == {"s2": 2}
    assert store.own_answers(stored.response_id) == {}


def test_only_a_comment_is_an_answer(client: TestClient, unit_id: str) -> None:
    store = feedback_store(client)
    invitation, token = invite(store, unit_id)
    client.post(f"/f/{token}", data={"comment": "Hyvä palvelu."})
    stored = store.answer_by_key(f"web:{invitation.invitation_id}")
    assert stored is not None
    assert stored.nps is None and stored.free_text == "Hyvä palvelu."


def test_an_expired_link_says_so_and_stores_nothing(client: TestClient, unit_id: str) -> None:
    store = feedback_store(client)
    invitation, token = invite(store, unit_id, sent_days_ago=8, valid_days=7)
    page = client.get(f"/f/{token}?lang=en")
    assert page.status_code == 410
    assert "This feedback link has expired" in page.text
    assert "<form" not in page.text
    posted = client.post(f"/f/{token}?lang=en", data={"nps": "10"})
    assert posted.status_code == 410
    assert store.answer_by_key(f"web:{invitation.invitation_id}") is None


def test_after_an_sms_score_the_form_completes_that_answer_without_asking_again(
    client: TestClient, unit_id: str
) -> None:
    store = feedback_store(client)
    invitation, token = invite(store, unit_id)
    sms_score(store, invitation, 8)
    page = client.get(f"/f/{token}?lang=en").text
    assert "nps" not in radio_names(page)
    assert radio_names(page)[0] == "s1"
    assert "your recommendation score has been saved" in page
    response = client.post(
        f"/f/{token}", data={"nps": "0", "s1": "4", "own_phone_reach": "5", "comment": "Kiitos"}
    )
    assert response.status_code == 200  # redirected to the thank-you page
    answers = [a for a in store.answers() if a.invitation_id == invitation.invitation_id]
    assert len(answers) == 1  # completed, not a second answer
    assert answers[0].channel == "sms"
    assert answers[0].nps == 8  # the form cannot change the score
    assert answers[0].statements["s1"] == 4 and answers[0].free_text == "Kiitos"
    assert store.own_answers(answers[0].response_id) == {"own_phone_reach": 5}
    assert store.answer_by_key(f"web:{invitation.invitation_id}") is None
    assert "Thank you for your feedback" in client.get(f"/f/{token}?lang=en").text


def test_an_sms_score_without_statements_refuses_an_empty_completion(
    client: TestClient, unit_id: str
) -> None:
    store = feedback_store(client)
    invitation, token = invite(store, unit_id)
    sms_score(store, invitation, 10)
    response = client.post(f"/f/{token}?lang=en", data={})
    assert response.status_code == 422
    assert re.search(r'<a href="#s1-1"', response.text)
