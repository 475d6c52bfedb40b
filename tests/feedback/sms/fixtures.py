"""Feedback stores for the SMS tests: a movable clock, and a store on SQLite and PostgreSQL.

PostgreSQL is the server on 127.0.0.1:5432 (see ``tests/web/accounts/conftest.py``): one
database per session, one fresh schema per test, so each test migrates an empty store; the
PostgreSQL cases are skipped, saying why, only when the server cannot be reached.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.postgres import temporary_database
from tests.web.accounts.conftest import postgres_schema_url
from tilannekuva.feedback.phones import phone_key
from tilannekuva.feedback.questionnaire import load_questionnaire
from tilannekuva.feedback.store import FeedbackStore, Invitation, NewInvitation

SECRET = "test-phone-key-secret"
BACKENDS = ("sqlite", "postgresql")
# Monday 23 November 2026, 10:00 in Helsinki (UTC+2): inside the daytime window.
MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@dataclass
class MovableClock:
    """The store's clock, moved by the test instead of by waiting."""

    at: datetime = field(default=MORNING)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by


@pytest.fixture(scope="session")
def feedback_postgres() -> Iterator[str]:
    """The name of a fresh PostgreSQL database, dropped at the end of the session."""
    with temporary_database("tilannekuva_sms") as name:
        yield name


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty feedback store's URL, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'feedback.sqlite'}"
    return postgres_schema_url(request.getfixturevalue("feedback_postgres"))


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def store(store_url: str, clock: MovableClock) -> Iterator[FeedbackStore]:
    opened = FeedbackStore.open(store_url, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path, clock: MovableClock) -> Iterator[FeedbackStore]:
    """SQLite only, for tests of rules that do not depend on the database."""
    opened = FeedbackStore.open(f"sqlite:///{tmp_path / 'feedback.sqlite'}", clock=clock)
    yield opened
    opened.close()


def invite(
    store: FeedbackStore,
    phone: str,
    *,
    language: str = "fi",
    sent: bool = True,
    valid_for: timedelta = timedelta(days=7),
    unit_id: str = "unit-1",
    service_area: str | None = "primary",
) -> Invitation:
    """An SMS invitation to ``phone`` made now (and marked sent unless ``sent=False``)."""
    invitation, _token = store.record_invitation(
        NewInvitation(
            contact_id=f"contact-{uuid.uuid4().hex[:8]}",
            unit_id=unit_id,
            person_key=f"person-{uuid.uuid4().hex[:8]}",
            channel="sms",
            language=language,
            questionnaire_version=load_questionnaire().version,
            send_after=store.now(),
            valid_for=valid_for,
            service_area=service_area,
            phone_key=phone_key(SECRET, phone),
        )
    )
    if sent:
        store.mark_invitation_sent(invitation.invitation_id, store.now())
    found = store.invitation(invitation.invitation_id)
    assert found is not None
    return found
