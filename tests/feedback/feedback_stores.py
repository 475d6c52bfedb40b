"""Feedback stores for the invitation, pulse and export tests, on SQLite and PostgreSQL.

A test module imports the fixtures it uses from here (``from tests.feedback.feedback_stores
import ...``): ``clock`` is the store's clock, which the test moves; ``feedback_store`` is an
empty, migrated store, once on SQLite and once on a real PostgreSQL, in its own schema of the
session's temporary database (``postgres_database`` of ``tests/web/accounts/conftest.py``);
``sqlite_store`` is the SQLite one alone, for tests about the policy rather than the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.web.accounts.conftest import postgres_database, postgres_schema_url
from tilannekuva.feedback.store import FeedbackStore

BACKENDS = ("sqlite", "postgresql")
__all__ = ["clock", "feedback_store", "postgres_database", "sqlite_store"]


@dataclass
class MovableClock:
    """A fixed aware UTC instant that the test moves on."""

    at: datetime

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 3, 10, 10, 0, tzinfo=UTC))  # 12:00 in Helsinki


@pytest.fixture(params=BACKENDS)
def feedback_store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: MovableClock
) -> Iterator[FeedbackStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'feedback.sqlite'}"
    else:
        url = postgres_schema_url(request.getfixturevalue("postgres_database"))
    store = FeedbackStore.open(url, clock=clock)
    yield store
    store.close()


@pytest.fixture
def sqlite_store(tmp_path: Path, clock: MovableClock) -> Iterator[FeedbackStore]:
    store = FeedbackStore.open(f"sqlite:///{tmp_path / 'feedback.sqlite'}", clock=clock)
    yield store
    store.close()
