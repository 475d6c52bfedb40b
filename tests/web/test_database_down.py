"""While the operational database cannot be reached, nothing is acknowledged that is not stored.

A customer pressing Send on the kiosk or the web form gets a 503 page that says the answer was
not saved (and how to send it again), never the thank-you screen; the API answers 503 with
``Retry-After``. When the database is back, the same kiosk form is stored once.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.test_feedback_form import feedback_store
from tests.web.test_kiosk import form_token
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.feedback.store.kiosks import Kiosk
from tilannekuva.warehouse.operational import operational_engine
from tilannekuva.web.snapshot import Snapshot

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/none?connect_timeout=2"


@pytest.fixture
def page_language() -> str:
    return "en"


@pytest.fixture
def kiosk(client: TestClient, county_snapshot: Snapshot) -> Kiosk:
    unit = next(u for u in county_snapshot.units if u.service_area == "reception")
    return feedback_store(client).add_kiosk(unit.unit_id, "Waiting room", "en")


def take_database_down(client: TestClient) -> FeedbackStore:
    """Point the app at a database nobody listens on; returns the real store."""
    real = feedback_store(client)
    client.app.state.feedback_store = FeedbackStore(operational_engine(UNREACHABLE))  # type: ignore[attr-defined]
    return real


def test_a_kiosk_answer_is_not_acknowledged_while_the_database_is_down(
    client: TestClient, kiosk: Kiosk
) -> None:
    token = form_token(client.get(f"/kiosk/{kiosk.kiosk_id}").text)
    real = take_database_down(client)

    refused = client.post(f"/kiosk/{kiosk.kiosk_id}", data={"form_token": token, "nps": "9"})

    assert refused.status_code == 503
    assert refused.headers["retry-after"] == "30"
    assert "Nothing was saved" in refused.text
    assert "Thank you" not in refused.text
    assert real.count_answers() == 0

    client.app.state.feedback_store = real  # type: ignore[attr-defined]
    for _ in range(2):  # sent again from the form the browser kept, and once more by accident
        stored = client.post(f"/kiosk/{kiosk.kiosk_id}", data={"form_token": token, "nps": "9"})
        assert stored.status_code == 200
    assert [answer.nps for answer in real.answers()] == [9]


def test_pages_that_read_the_store_answer_503_while_the_database_is_down(
    client: TestClient,
) -> None:
    take_database_down(client)
    for address in ("/f/some-token", "/embed/feedback"):
        page = client.get(address)
        assert page.status_code == 503, address
        assert "The service is unavailable right now" in page.text
        assert page.headers["cache-control"] == "no-store"
