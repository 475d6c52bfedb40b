"""The board store: idempotent event log in placement order, source and display tokens.

Every test runs on SQLite and on PostgreSQL (``board_stores.py``).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from tests.board.board_stores import (
    MovableClock,
    board_postgres_database,
    board_store,
    board_store_url,
    call,
    clock,
)
from tilannekuva.board.events import parse_event
from tilannekuva.board.store import BoardStore, Recorded
from tilannekuva.board.store.models import Base
from tilannekuva.feedback.store import FeedbackStore

__all__ = ["board_postgres_database", "board_store", "board_store_url", "clock"]

DAY_START = datetime(2026, 3, 1, 22, 0, tzinfo=UTC)  # 2 March 00:00 in Helsinki
DAY_END = DAY_START + timedelta(days=1)


def statuses(results: list[Recorded]) -> list[tuple[str, str]]:
    return [(result.source_id, result.status) for result in results]


def test_an_event_is_stored_once_and_a_resend_is_a_duplicate(board_store: BoardStore) -> None:
    first = [call("e1", "2026-03-02T08:00+02:00"), call("e2", "2026-03-02T08:01+02:00")]
    assert statuses(board_store.record_events("pbx", first)) == [
        ("e1", "stored"),
        ("e2", "stored"),
    ]
    again = [call("e2", "2026-03-02T08:01+02:00"), call("e3", "2026-03-02T08:02+02:00")]
    assert statuses(board_store.record_events("pbx", again)) == [
        ("e2", "duplicate"),
        ("e3", "stored"),
    ]
    stored = board_store.events_for(["U1"], DAY_START, DAY_END)
    assert [event.source_id for event in stored] == ["e1", "e2", "e3"]


def test_a_changed_copy_is_a_duplicate_the_first_stands_and_a_warning_names_it(
    board_store: BoardStore, caplog: pytest.LogCaptureFixture
) -> None:
    board_store.record_events("pbx", [call("e1", "2026-03-02T08:00+02:00", kind="queued")])
    with caplog.at_level(logging.WARNING, logger="tilannekuva.board.store.log"):
        results = board_store.record_events(
            "pbx", [call("e1", "2026-03-02T08:05+02:00", kind="answered")]
        )
    assert statuses(results) == [("e1", "duplicate")]
    (kept,) = board_store.events_for(["U1"], DAY_START, DAY_END)
    assert kept.event.type == "call.queued"
    assert kept.event.occurred_at == datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert "pbx/e1" in caplog.text and "different content" in caplog.text


def test_an_identical_copy_logs_nothing_even_with_another_offset(
    board_store: BoardStore, caplog: pytest.LogCaptureFixture
) -> None:
    board_store.record_events("pbx", [call("e1", "2026-03-02T08:00+02:00")])
    with caplog.at_level(logging.WARNING, logger="tilannekuva.board.store.log"):
        board_store.record_events("pbx", [call("e1", "2026-03-02T06:00Z")])
    assert caplog.text == ""


def test_source_ids_are_unique_per_source_not_across_sources(board_store: BoardStore) -> None:
    board_store.record_events("pbx", [call("e1", "2026-03-02T08:00+02:00")])
    results = board_store.record_events("portal", [call("e1", "2026-03-02T08:00+02:00")])
    assert statuses(results) == [("e1", "stored")]
    stored = board_store.events_for(["U1"], DAY_START, DAY_END)
    assert [(event.source, event.source_id) for event in stored] == [
        ("pbx", "e1"),
        ("portal", "e1"),
    ]


def test_within_one_batch_the_first_copy_is_stored(board_store: BoardStore) -> None:
    batch = [
        call("e1", "2026-03-02T08:00+02:00", kind="queued"),
        call("e1", "2026-03-02T08:09+02:00", kind="abandoned"),
        call("e2", "2026-03-02T08:01+02:00"),
    ]
    assert statuses(board_store.record_events("pbx", batch)) == [
        ("e1", "stored"),
        ("e1", "duplicate"),
        ("e2", "stored"),
    ]
    kept = board_store.events_for(["U1"], DAY_START, DAY_END)
    assert [(event.source_id, event.event.type) for event in kept] == [
        ("e1", "call.queued"),
        ("e2", "call.queued"),
    ]


def test_an_empty_batch_stores_nothing(board_store: BoardStore) -> None:
    assert board_store.record_events("pbx", []) == []
    assert board_store.revision() == 0


def test_events_for_reads_the_units_asked_within_a_half_open_window(
    board_store: BoardStore,
) -> None:
    board_store.record_events(
        "pbx",
        [
            call("before", "2026-03-01T23:59:59+02:00"),
            call("start", "2026-03-02T00:00+02:00"),
            call("other-unit", "2026-03-02T09:00+02:00", unit="U2"),
            call("third-unit", "2026-03-02T09:00+02:00", unit="U3"),
            call("last", "2026-03-02T23:59:59.999+02:00"),
            call("end", "2026-03-03T00:00+02:00"),
        ],
    )
    assert [e.source_id for e in board_store.events_for(["U1"], DAY_START, DAY_END)] == [
        "start",
        "last",
    ]
    both = board_store.events_for(["U1", "U2"], DAY_START, DAY_END)
    assert [e.source_id for e in both] == ["start", "other-unit", "last"]
    assert board_store.events_for([], DAY_START, DAY_END) == []
    with pytest.raises(ValueError, match="naive"):
        board_store.events_for(["U1"], datetime(2026, 3, 2), DAY_END)


def test_late_and_out_of_order_events_are_placed_by_when_they_happened(
    board_store: BoardStore, clock: MovableClock
) -> None:
    # The answer arrives first, its message's arrival ten minutes later, in another offset.
    board_store.record_events("portal", [call("answer", "2026-03-02T09:30+02:00", kind="answered")])
    clock.advance(minutes=10)
    board_store.record_events("portal", [call("queue", "2026-03-02T07:10Z", kind="queued")])
    # Same instant from two sources and two ids: source, then source id, break the tie.
    board_store.record_events(
        "pbx", [call("b", "2026-03-02T10:00+02:00"), call("a", "2026-03-02T08:00Z")]
    )
    board_store.record_events("bpx", [call("z", "2026-03-02T10:00+02:00")])
    placed = board_store.events_for(["U1"], DAY_START, DAY_END)
    assert [(e.source, e.source_id) for e in placed] == [
        ("portal", "queue"),  # 09:10 Helsinki
        ("portal", "answer"),  # 09:30
        ("bpx", "z"),  # 10:00
        ("pbx", "a"),
        ("pbx", "b"),
    ]
    assert placed[0].received_at == datetime(2026, 3, 2, 8, 10, tzinfo=UTC)
    assert placed[1].received_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_the_revision_moves_with_every_stored_batch_only(board_store: BoardStore) -> None:
    start = board_store.revision()
    board_store.record_events("pbx", [call("e1", "2026-03-02T08:00+02:00")])
    after_one = board_store.revision()
    assert after_one != start
    board_store.record_events("pbx", [call("e1", "2026-03-02T08:00+02:00")])
    assert board_store.revision() == after_one  # a duplicate changes nothing
    board_store.record_events("pbx", [call("e2", "2026-03-02T08:00+02:00")])
    assert board_store.revision() not in (start, after_one)


def test_a_batch_that_fails_stores_nothing(
    board_store: BoardStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_session: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(board_store, "_bump_revision", broken)
    with pytest.raises(RuntimeError):
        board_store.record_events(
            "pbx", [call("e1", "2026-03-02T08:00+02:00"), call("e2", "2026-03-02T08:01+02:00")]
        )
    monkeypatch.undo()
    assert board_store.events_for(["U1"], DAY_START, DAY_END) == []
    assert statuses(board_store.record_events("pbx", [call("e1", "2026-03-02T08:00+02:00")])) == [
        ("e1", "stored")
    ]


def test_two_senders_racing_with_the_same_events_store_each_once(
    board_store: BoardStore,
) -> None:
    batch = [call(f"e{n:03}", "2026-03-02T08:00+02:00") for n in range(300)]
    results: list[list[Recorded]] = [[], []]
    barrier = threading.Barrier(2)

    def send(slot: int) -> None:
        barrier.wait()
        results[slot] = board_store.record_events("pbx", batch[::-1] if slot else batch)

    threads = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = [r.source_id for both in results for r in both if r.status == "stored"]
    assert sorted(stored) == sorted(event.source_id for event in batch)
    assert len(board_store.events_for(["U1"], DAY_START, DAY_END)) == 300


def test_a_large_batch_is_one_call(board_store: BoardStore) -> None:
    batch = [call(f"e{n:04}", "2026-03-02T08:00+02:00", unit=f"U{n % 3}") for n in range(1000)]
    results = board_store.record_events("pbx", batch)
    assert [r.status for r in results] == ["stored"] * 1000
    assert len(board_store.events_for(["U0", "U1", "U2"], DAY_START, DAY_END)) == 1000


def test_every_type_is_read_back_as_sent(board_store: BoardStore) -> None:
    sent = parse_event(
        {
            "source_id": "s-1",
            "type": "slot.booked",
            "occurred_at": "2026-03-02T08:00:00.250+02:00",
            "unit_id": "U1",
            "slot_id": "slot-1",
            "professional_group": "nurse",
            "professional_id": None,
            "slot_start": "2026-03-04T13:30+02:00",
            "slot_kind": "nonurgent",
        }
    )
    board_store.record_events("book", [sent])
    (stored,) = board_store.events_for(["U1"], DAY_START, DAY_END)
    assert stored.event == sent
    assert (stored.source, stored.source_id) == ("book", "s-1")


def test_pruning_removes_old_events_and_moves_the_revision(board_store: BoardStore) -> None:
    board_store.record_events(
        "pbx", [call("old", "2026-02-01T08:00+02:00"), call("new", "2026-03-02T08:00+02:00")]
    )
    revision = board_store.revision()
    assert board_store.prune_events(DAY_START) == 1
    assert board_store.revision() != revision
    everything = board_store.events_for(["U1"], DAY_START - timedelta(days=60), DAY_END)
    assert [e.source_id for e in everything] == ["new"]
    # The pruned id is not reused; the same source id could come back only as a new event.
    assert statuses(board_store.record_events("pbx", [call("old", "2026-02-01T08:00Z")])) == [
        ("old", "stored")
    ]


# --- sources and displays --------------------------------------------------------------------


def test_a_source_token_names_its_source_until_revoked(board_store: BoardStore) -> None:
    token = board_store.add_source("pbx")
    assert token.startswith("tkb_") and len(token) > 40
    assert board_store.source_for_token(token) == "pbx"
    assert board_store.source_for_token(token + "x") is None
    assert board_store.source_for_token("") is None
    board_store.revoke_source("pbx")
    board_store.revoke_source("pbx")  # again: no change, no error
    assert board_store.source_for_token(token) is None
    new_token = board_store.add_source("pbx")
    assert board_store.source_for_token(new_token) == "pbx"
    assert board_store.source_for_token(token) is None


def test_a_source_name_in_use_or_malformed_is_refused(board_store: BoardStore) -> None:
    board_store.add_source("pbx")
    with pytest.raises(ValueError, match="exists"):
        board_store.add_source("pbx")
    for bad in ("", "with space", "-dash-first", "x" * 65, "ääkkönen"):
        with pytest.raises(ValueError, match="name"):
            board_store.add_source(bad)
    with pytest.raises(LookupError):
        board_store.revoke_source("nobody")


def test_sources_list_their_events_and_last_arrival(
    board_store: BoardStore, clock: MovableClock
) -> None:
    board_store.add_source("pbx")
    board_store.add_source("portal")
    board_store.record_events("pbx", [call("e1", "2026-03-02T08:00+02:00")])
    clock.advance(minutes=5)
    board_store.record_events("pbx", [call("e2", "2026-03-02T08:00+02:00")])
    board_store.revoke_source("portal")
    listed = {source.name: source for source in board_store.sources()}
    assert list(listed) == ["pbx", "portal"]
    assert (listed["pbx"].events, listed["pbx"].last_received_at) == (
        2,
        datetime(2026, 3, 2, 8, 5, tzinfo=UTC),
    )
    assert listed["pbx"].active and not listed["portal"].active
    assert (listed["portal"].events, listed["portal"].last_received_at) == (0, None)


def test_a_display_token_opens_its_units_and_theme(
    board_store: BoardStore, clock: MovableClock
) -> None:
    token = board_store.add_display("lobby", ["U2", "U1", "U2"], theme="light")
    assert token.startswith("tkw_")
    display = board_store.display_for_token(token)
    assert display is not None
    assert (display.name, display.unit_ids, display.theme) == ("lobby", ("U2", "U1"), "light")
    assert display.last_seen_at is None
    clock.advance(minutes=1)
    board_store.touch_display("lobby")
    (listed,) = board_store.displays()
    assert listed.last_seen_at == datetime(2026, 3, 2, 8, 1, tzinfo=UTC)
    board_store.revoke_display("lobby")
    assert board_store.display_for_token(token) is None
    assert not board_store.displays()[0].active
    again = board_store.add_display("lobby", ["U3"])
    assert board_store.display_for_token(token) is None
    reopened = board_store.display_for_token(again)
    assert reopened is not None and (reopened.unit_ids, reopened.theme) == (("U3",), "dark")


def test_a_display_needs_units_and_a_known_theme(board_store: BoardStore) -> None:
    with pytest.raises(ValueError, match="units"):
        board_store.add_display("wall", [])
    with pytest.raises(ValueError, match="units"):
        board_store.add_display("wall", [" "])
    with pytest.raises(ValueError, match="theme"):
        board_store.add_display("wall", ["U1"], theme="blue")  # type: ignore[arg-type]
    with pytest.raises(LookupError):
        board_store.revoke_display("wall")


def test_tokens_are_kept_only_as_hashes(board_store: BoardStore, board_store_url: str) -> None:
    tokens = [board_store.add_source("pbx"), board_store.add_display("wall", ["U1"])]
    engine = create_engine(board_store_url)
    with engine.connect() as connection:
        rows = [
            *connection.execute(text("SELECT * FROM board_sources")).all(),
            *connection.execute(text("SELECT * FROM board_displays")).all(),
        ]
    engine.dispose()
    dumped = repr(rows)
    assert all(token not in dumped and token[4:] not in dumped for token in tokens)


# --- the schema ------------------------------------------------------------------------------


def test_reopening_keeps_everything_beside_the_other_stores(
    board_store_url: str, clock: MovableClock
) -> None:
    store = BoardStore.open(board_store_url, clock=clock)
    store.record_events("pbx", [call("e1", "2026-03-02T08:00+02:00")])
    token = store.add_source("pbx")
    store.close()
    FeedbackStore.open(board_store_url).close()  # another store in the same database
    again = BoardStore.open(board_store_url, clock=clock)
    assert [e.source_id for e in again.events_for(["U1"], DAY_START, DAY_END)] == ["e1"]
    assert again.source_for_token(token) == "pbx"
    revision = again.revision()
    again.close()
    engine = create_engine(board_store_url)
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version_board")).all()
    engine.dispose()
    assert versions == [("0001",)]
    assert {"board_events", "board_sources", "board_displays", "board_revision"} <= tables
    assert "alembic_version_feedback" in tables and "alembic_version" not in tables
    assert revision > 0


def test_the_migration_makes_the_tables_the_models_describe(board_store_url: str) -> None:
    BoardStore.open(board_store_url).close()
    engine = create_engine(board_store_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    ours = [diff for diff in differences if "alembic_version_board" not in repr(diff)]
    assert ours == []
