"""The anonymous staff pulse form ``/pulse/{token}``: one answer per link, plain privacy words.

Staff answer honestly only if they can trust the page: it must say that the answer is
anonymous and reported only for groups of five or more, keep exactly one answer per link
(whatever is resubmitted), and say plainly when a link is unknown, used or expired.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.web.test_feedback_form import feedback_store, questionnaire
from tilannekuva.feedback.store import FeedbackStore
from tilannekuva.web.snapshot import Snapshot

PERIOD = "2026-01"


@pytest.fixture
def page_language() -> str:
    return "en"


@pytest.fixture
def unit_id(county_snapshot: Snapshot) -> str:
    return county_snapshot.units[0].unit_id


@pytest.fixture
def store(client: TestClient) -> Iterator[FeedbackStore]:
    opened = feedback_store(client)
    clock = opened.clock
    yield opened
    opened.clock = clock


def link(store: FeedbackStore, unit_id: str) -> str:
    [token] = store.create_pulse_links(unit_id, PERIOD, 1, valid_days=14)
    return token


def test_the_form_asks_every_item_and_says_it_is_anonymous(
    client: TestClient, store: FeedbackStore, unit_id: str
) -> None:
    response = client.get(f"/pulse/{link(store, unit_id)}")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    page = response.text
    items = [item.key for item in questionnaire(client).pulse_items]
    names = list(dict.fromkeys(re.findall(r'type="radio" id="[^"]+" name="([^"]+)"', page)))
    assert names == items
    assert len(re.findall(rf'name="{items[0]}" value="\d"', page)) == 5  # 1–5
    assert "Your answer is anonymous" in page
    assert "only for groups of 5 or more respondents" in page
    assert "January 2026" in page


def test_an_answer_is_stored_once_and_the_link_is_then_used(
    client: TestClient, store: FeedbackStore, unit_id: str
) -> None:
    token = link(store, unit_id)
    first = client.post(f"/pulse/{token}", data={"p1": "4", "p2": "5", "p3": "9"})
    assert first.status_code == 200
    assert "Thank you for your answer" in first.text
    again = client.post(f"/pulse/{token}", data={"p1": "1"})
    assert again.status_code == 200
    assert "Thank you for your answer" in again.text
    [group] = [g for g in store.pulse_groups() if g.unit_id == unit_id]
    assert group.period == PERIOD and group.respondents == 1
    # p1 = 4 and p2 = 5 (p3 = 9 is off the scale, left out): (75 + 100) / 2
    assert group.index_sum == pytest.approx(87.5)
    used = client.get(f"/pulse/{token}")
    assert "This pulse link has already been used" in used.text
    assert "<form" not in used.text


def test_an_empty_answer_is_refused_with_the_error_linked_to_the_first_item(
    client: TestClient, store: FeedbackStore, unit_id: str
) -> None:
    token = link(store, unit_id)
    refused = client.post(f"/pulse/{token}", data={"p1": "0"})
    assert refused.status_code == 422
    assert re.search(r'<a href="#p1-1"[^>]*>Answer at least one statement', refused.text)
    assert store.count_pulse_answers() == 0
    assert store.pulse_token(token).used is False  # type: ignore[union-attr]


def test_unknown_and_expired_links_take_no_answer(
    client: TestClient, store: FeedbackStore, unit_id: str
) -> None:
    unknown = client.get("/pulse/no-such-token")
    assert unknown.status_code == 404 and "This pulse link is not valid" in unknown.text
    assert client.post("/pulse/no-such-token", data={"p1": "3"}).status_code == 404
    token = link(store, unit_id)
    later = store.now() + timedelta(days=15)
    store.clock = lambda: later
    expired = client.get(f"/pulse/{token}")
    assert expired.status_code == 410 and "This pulse link has expired" in expired.text
    assert client.post(f"/pulse/{token}", data={"p1": "3"}).status_code == 410
    assert store.count_pulse_answers() == 0
