"""Board stores for the store, API and CLI tests, on SQLite and on a real PostgreSQL.

A test module imports the fixtures it uses from here: ``clock`` is the store's clock, which the
test moves; ``board_store`` is an empty, migrated store, once on SQLite and once on
PostgreSQL (its own schema of one temporary database per session, ``tests/postgres.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.feedback.feedback_stores import MovableClock
from tests.postgres import temporary_database
from tests.web.accounts.conftest import postgres_schema_url
from tilannekuva.board.events import Event, parse_event
from tilannekuva.board.store import BoardStore

BACKENDS = ("sqlite", "postgresql")
__all__ = ["board_postgres_database", "board_store", "board_store_url", "clock"]


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 10:00 in Helsinki


@pytest.fixture(scope="session")
def board_postgres_database() -> Iterator[str]:
    with temporary_database("tilannekuva_board") as name:
        yield name


@pytest.fixture(params=BACKENDS)
def board_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'board.sqlite'}"
    return postgres_schema_url(request.getfixturevalue("board_postgres_database"))


@pytest.fixture
def board_store(board_store_url: str, clock: MovableClock) -> Iterator[BoardStore]:
    store = BoardStore.open(board_store_url, clock=clock)
    yield store
    store.close()


def call(source_id: str, at: str, *, unit: str = "U1", kind: str = "queued", **more: Any) -> Event:
    """A call event; ``at`` is ISO 8601 with an offset."""
    data = {
        "source_id": source_id,
        "type": f"call.{kind}",
        "occurred_at": at,
        "unit_id": unit,
        "call_id": more.pop("call_id", f"c-{source_id}"),
        **more,
    }
    return parse_event(data)
