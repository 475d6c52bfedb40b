"""Live feedback results pages: sign-in, suppression by role, comments with an audit trail,
numbers that move the moment an answer is stored, and the embeddable public page.

Answers are stored through the app's own feedback store, submitted now: unit A has six SMS
answers (10, 10, 9, 8, 6, 2: three promoters, two detractors, NPS = 100 × 1 / 6 = +17) and one
comment; unit B has two (suppressed outside the analyst role, never on the public page).
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.web.test_feedback_form import feedback_store
from tilannekuva.feedback.store import Answer, FeedbackStore
from tilannekuva.web.snapshot import Snapshot
from tilannekuva.web.viewer import UserRole

COMMENT = "Lääkäri Virtanen oli ihana, soita 040 123 4567"
SCREENED = "Lääkäri […] oli ihana, soita […]"


@pytest.fixture
def page_language() -> str:
    return "en"


@pytest.fixture
def units(county_snapshot: Snapshot) -> tuple[str, str]:
    reception = [u.unit_id for u in county_snapshot.units if u.service_area == "reception"]
    return reception[0], reception[1]


def answer(store: FeedbackStore, unit_id: str, nps: int, comment: str | None = None) -> None:
    store.record_answer(
        Answer(
            answer_key=f"sms:{uuid.uuid4().hex}",
            unit_id=unit_id,
            channel="sms",
            language="fi",
            questionnaire_version="national-1",
            submitted_at=store.now(),
            service_area="reception",
            nps=nps,
            statements={"s1": 4},
            free_text=comment,
        )
    )


@pytest.fixture
def answered(client: TestClient, units: tuple[str, str]) -> tuple[str, str]:
    store = feedback_store(client)
    unit_a, unit_b = units
    for score in (10, 10, 9, 8, 6):
        answer(store, unit_a, score)
    answer(store, unit_a, 2, COMMENT)
    answer(store, unit_b, 9)
    answer(store, unit_b, 3)
    return units


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def row_texts(page: str, key: str) -> list[str]:
    found = re.search(rf'<tr id="[^"]+" data-key="{re.escape(key)}">(.*?)</tr>', page, re.S)
    assert found, f"no row for {key}"
    return [text_of(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", found.group(1), re.S)]


def audit_actions(client: TestClient) -> list[tuple[str, str, str]]:
    entries = client.app.state.accounts.audit_entries()  # type: ignore[attr-defined]
    return [
        (e.action, e.subject, e.detail) for e in entries if e.action == "view_feedback_comments"
    ]


def test_public_visitors_are_sent_to_sign_in(client: TestClient, units: tuple[str, str]) -> None:
    for path in ("/feedback?window=month", f"/feedback/units/{units[0]}"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/signin?next=%2Ffeedback")


def test_a_unit_manager_sees_suppressed_small_cells(
    client_as: Callable[[UserRole], TestClient], answered: tuple[str, str]
) -> None:
    unit_a, unit_b = answered
    response = client_as("manager").get("/feedback")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    page = response.text
    cells_a = row_texts(page, unit_a)
    assert cells_a[2:] == ["6", "+17", "6", "50.0%", "33.3%"]
    assert row_texts(page, unit_b)[2:] == ["suppressed (fewer than 5)"] * 5
    assert "<svg" in page and "Go to the table" in page  # a chart with its table
    assert COMMENT not in page and SCREENED not in page


def test_an_analyst_sees_every_number(
    client_as: Callable[[UserRole], TestClient], answered: tuple[str, str]
) -> None:
    page = client_as("analyst").get("/feedback").text
    assert row_texts(page, answered[1])[2:] == ["2", "0", "2", "50.0%", "50.0%"]


def test_a_new_answer_shows_at_once(
    client_as: Callable[[UserRole], TestClient], client: TestClient, answered: tuple[str, str]
) -> None:
    analyst = client_as("analyst")
    unit_a = answered[0]
    before = row_texts(analyst.get("/feedback").text, unit_a)
    answer(feedback_store(client), unit_a, 10)
    after = row_texts(analyst.get("/feedback").text, unit_a)
    assert (before[2], after[2]) == ("6", "7")
    assert after[3] == "+29"  # 100 × (4 − 2) / 7


def test_the_unit_filter_and_an_empty_past_month(
    client_as: Callable[[UserRole], TestClient], answered: tuple[str, str]
) -> None:
    analyst = client_as("analyst")
    unit_a, unit_b = answered
    filtered = analyst.get(f"/feedback?unit={unit_a}").text
    assert f'data-key="{unit_a}"' in filtered and f'data-key="{unit_b}"' not in filtered
    months = re.findall(r'<option value="(\d{4}-\d{2})"', filtered)
    assert months, "the window picker offers past months"
    empty = analyst.get(f"/feedback?window={months[-1]}").text
    assert "No answers in this time window yet." in empty


def test_the_analyst_reads_screened_comments_and_the_view_is_audited(
    client_as: Callable[[UserRole], TestClient], answered: tuple[str, str]
) -> None:
    analyst = client_as("analyst")
    unit_a = answered[0]
    response = analyst.get(f"/feedback/units/{unit_a}")
    assert response.status_code == 200
    assert "no-store" in response.headers["cache-control"]
    assert SCREENED in html.unescape(response.text)
    assert "Virtanen" not in response.text and "040 123" not in response.text
    [(action, subject, detail)] = audit_actions(analyst)
    assert subject == unit_a and "1 screened comments" in detail
    stored = feedback_store(analyst).answers(unit_id=unit_a)
    [commented] = [a for a in stored if a.free_text]
    assert commented.response_id in detail
    live = analyst.get(f"/feedback/units/{unit_a}?live=1")  # the script's refresh
    assert SCREENED not in html.unescape(live.text)
    assert len(audit_actions(analyst)) == 1


def test_a_unit_manager_gets_no_comments_and_no_audit_entry(
    client_as: Callable[[UserRole], TestClient], answered: tuple[str, str]
) -> None:
    manager = client_as("manager")
    page = manager.get(f"/feedback/units/{answered[0]}").text
    assert SCREENED not in html.unescape(page)
    assert "Comments are shown to the analyst role only." in page
    assert audit_actions(manager) == []


def test_an_unknown_unit_is_404(client_as: Callable[[UserRole], TestClient]) -> None:
    assert client_as("manager").get("/feedback/units/no-such-unit").status_code == 404


def test_the_public_page_shows_units_with_five_scores_and_may_be_framed(
    client: TestClient,
    client_as: Callable[[UserRole], TestClient],
    answered: tuple[str, str],
    county_snapshot: Snapshot,
) -> None:
    unit_a, unit_b = answered
    name_of = {u.unit_id: u.name for u in county_snapshot.units}
    for visitor in (client, client_as("analyst")):  # whatever is embedded is published
        response = visitor.get("/embed/feedback")
        assert response.status_code == 200
        assert "x-frame-options" not in response.headers
        assert "frame-ancestors" not in response.headers["content-security-policy"]
        assert "no-store" in response.headers["cache-control"]
        page = html.unescape(response.text)
        assert name_of[unit_a] in page and name_of[unit_b] not in page
        assert "Virtanen" not in page and SCREENED not in page
        county = re.search(r"NPS, whole county</dt><dd[^>]*>([^<]+)<", page)
        assert county and county.group(1) == "+12"  # 100 × (4 − 3) / 8 = 12.5, half to even
