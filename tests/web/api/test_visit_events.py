"""``POST /api/v1/events/visits``: the patient-record integration announces finished visits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from tilannekuva.feedback.config import FeedbackConfig
from tilannekuva.feedback.pseudonyms import person_key
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.warehouse.operational import operational_engine
from tilannekuva.web.app import create_app
from tilannekuva.web.config import WebConfig
from tilannekuva.web.snapshot import Snapshot, SnapshotStore

HELSINKI = ZoneInfo("Europe/Helsinki")
TOKEN = "integration-token-for-tests"
SECRET = "phone-and-person-key"
ROUTE = "/api/v1/events/visits"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def app_client(
    web_config: WebConfig, snapshots: SnapshotStore, events_token: str | None
) -> TestClient:
    feedback = FeedbackConfig(phone_key_secret=SECRET, events_token=events_token)
    return TestClient(create_app(replace(web_config, feedback=feedback), snapshots=snapshots))


@pytest.fixture
def api(web_config: WebConfig, county_snapshots: SnapshotStore) -> Iterator[TestClient]:
    with app_client(web_config, county_snapshots, TOKEN) as client:
        yield client


def store_of(client: TestClient) -> FeedbackStore:
    store: FeedbackStore = client.app.state.feedback_store  # type: ignore[attr-defined]
    return store


def visit_day_at(hour: int) -> datetime:
    """A fixed day ahead (mid-June, two years on), so the send time is exactly predictable."""
    day = date(datetime.now(HELSINKI).year + 2, 6, 15)
    return datetime.combine(day, time(hour), tzinfo=HELSINKI)


def reception_unit(snapshot: Snapshot) -> tuple[str, str]:
    unit = next(unit for unit in snapshot.units if unit.service_area == "reception")
    return unit.unit_id, unit.name


def event(snapshot: Snapshot, **changes: Any) -> dict[str, Any]:
    unit_id, _ = reception_unit(snapshot)
    body: dict[str, Any] = {
        "contact_id": "c-100",
        "person_id": "131052-308T",
        "birth_date": "1952-10-13",
        "unit_id": unit_id,
        "contact_type": "R10",
        "ended_at": visit_day_at(11).isoformat(),
        "phone": "040 123 4567",
        "language": "fi",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


# --- access ----------------------------------------------------------------------------------


def test_the_route_does_not_exist_without_a_configured_token(
    web_config: WebConfig, county_snapshots: SnapshotStore, county_snapshot: Snapshot
) -> None:
    with app_client(web_config, county_snapshots, None) as client:
        answer = client.post(ROUTE, json=event(county_snapshot), headers=AUTH)
    assert answer.status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": TOKEN},
    ],
)
def test_a_caller_without_the_token_is_refused(
    api: TestClient, county_snapshot: Snapshot, headers: dict[str, str]
) -> None:
    answer = api.post(ROUTE, json=event(county_snapshot), headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    assert store_of(api).invitations() == []


def test_the_token_is_checked_before_the_body(api: TestClient) -> None:
    assert api.post(ROUTE, json={"nonsense": True}).status_code == 401


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"ended_at": "2026-03-10T10:00:00"}, "ended_at", "timezone"),
        ({"phone": "12345"}, "phone", "country code"),
        ({"birth_date": None}, None, "birth_date or age"),
        ({"language": "de"}, "language", "'fi', 'sv' or 'en'"),
        ({"contact_id": ""}, "contact_id", "at least 1 character"),
        ({"age": -1, "birth_date": None}, "age", "greater than or equal to 0"),
    ],
)
def test_an_invalid_event_is_422_naming_the_field_and_the_reason(
    api: TestClient,
    county_snapshot: Snapshot,
    changes: dict[str, Any],
    field: str | None,
    reason: str,
) -> None:
    answer = api.post(ROUTE, json=event(county_snapshot, **changes), headers=AUTH)
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == (["body", field] if field else ["body"])
    assert reason in problem["msg"]


# --- decisions -------------------------------------------------------------------------------


def test_a_visit_is_invited_and_its_sms_names_the_unit(
    api: TestClient, county_snapshot: Snapshot
) -> None:
    _, unit_name = reception_unit(county_snapshot)
    answer = api.post(ROUTE, json=event(county_snapshot), headers=AUTH)
    assert answer.status_code == 202
    body = answer.json()
    assert (body["decision"], body["reason"]) == ("invited", None)
    expected_send = visit_day_at(12).astimezone(UTC)
    assert datetime.fromisoformat(body["send_after"]) == expected_send
    store = store_of(api)
    invitation = store.invitation(body["invitation_id"])
    assert invitation is not None
    assert invitation.person_key == person_key("131052-308T", SECRET)
    assert invitation.service_area == "reception"  # from the current load
    (message,) = store.outbox(invitation_id=body["invitation_id"])
    assert message.to_phone == "+358401234567"
    expected_text = load_questionnaire().sms.invitation["fi"].format(unit=unit_name, days=7)
    assert message.body == expected_text


def test_the_same_event_again_is_the_same_invitation_and_no_second_sms(
    api: TestClient, county_snapshot: Snapshot
) -> None:
    first = api.post(ROUTE, json=event(county_snapshot), headers=AUTH).json()
    again = api.post(ROUTE, json=event(county_snapshot), headers=AUTH)
    assert again.status_code == 202
    assert again.json() == {**first, "decision": "skipped", "reason": "duplicate"}
    assert len(store_of(api).outbox(purpose="invitation")) == 1


def test_the_age_comes_from_the_birth_date_on_the_visit_day(
    api: TestClient, county_snapshot: Snapshot
) -> None:
    visit_day = visit_day_at(11)
    turns_13_next_day = visit_day.date().replace(year=visit_day.year - 13) + timedelta(days=1)
    young = event(county_snapshot, birth_date=turns_13_next_day.isoformat())
    answer = api.post(ROUTE, json=young, headers=AUTH).json()
    assert (answer["decision"], answer["reason"]) == ("skipped", "too_young")


def test_an_age_can_stand_in_for_the_birth_date(api: TestClient, county_snapshot: Snapshot) -> None:
    answer = api.post(ROUTE, json=event(county_snapshot, birth_date=None, age=30), headers=AUTH)
    assert answer.json()["decision"] == "invited"


def test_a_sensitive_service_from_the_current_load_is_not_asked(
    api: TestClient, county_snapshot: Snapshot
) -> None:
    mental = next(unit for unit in county_snapshot.units if unit.service_area == "mental")
    answer = api.post(ROUTE, json=event(county_snapshot, unit_id=mental.unit_id), headers=AUTH)
    assert answer.json()["reason"] == "excluded"


def test_a_unit_the_load_does_not_know_is_named_by_the_event(
    api: TestClient, county_snapshot: Snapshot
) -> None:
    new_unit = event(county_snapshot, unit_id="NEW-1", unit_name="Uusi asema", service_area="oral")
    answer = api.post(ROUTE, json=new_unit, headers=AUTH).json()
    (message,) = store_of(api).outbox(invitation_id=answer["invitation_id"])
    assert "Uusi asema" in message.body


def test_a_visit_without_a_phone_is_skipped(api: TestClient, county_snapshot: Snapshot) -> None:
    answer = api.post(ROUTE, json=event(county_snapshot, phone=None), headers=AUTH).json()
    assert answer == {
        "decision": "skipped",
        "reason": "no_phone",
        "invitation_id": None,
        "send_after": None,
    }


def test_an_unreachable_store_asks_the_integration_to_send_again(
    api: TestClient, county_snapshot: Snapshot
) -> None:
    down = FeedbackStore(
        operational_engine("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2")
    )
    api.app.state.feedback_store = down  # type: ignore[attr-defined]
    answer = api.post(ROUTE, json=event(county_snapshot), headers=AUTH)
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "30"
