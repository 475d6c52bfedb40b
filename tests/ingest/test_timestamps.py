"""The vectorised SQL time-zone rule must agree with Python's zoneinfo-based reference."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from tilannekuva.ingest.sql_timestamps import canonical_timestamp_sql
from tilannekuva.ingest.timeparse import naive_local_to_utc, parse_timestamp

_CON = duckdb.connect()


def _sql_instant(text: str) -> tuple[datetime | None, datetime | None]:
    utc, local = canonical_timestamp_sql("$1")
    row = _CON.execute(f"SELECT {utc}, {local}", [text]).fetchone()
    assert row is not None
    return row[0], row[1]


@settings(max_examples=150, deadline=None)
@given(
    st.datetimes(min_value=datetime(1996, 1, 1), max_value=datetime(2099, 12, 31)),
    st.sampled_from(["T", " "]),
)
def test_sql_rule_equals_zoneinfo_for_any_wall_time(wall: datetime, separator: str) -> None:
    wall = wall.replace(microsecond=0)
    text = wall.isoformat(sep=separator)
    assert _sql_instant(text) == (naive_local_to_utc(wall), wall)


def test_transition_hours_take_the_summer_instant() -> None:
    # 2025: summer time began 30 March (03:00 → 04:00) and ended 26 October (04:00 → 03:00)
    cases = {
        "2025-03-30T02:59:59": datetime(2025, 3, 30, 0, 59, 59),  # still winter, +02:00
        "2025-03-30T03:00": datetime(2025, 3, 30, 0, 0),  # gap: read with +03:00
        "2025-03-30T03:59": datetime(2025, 3, 30, 0, 59),
        "2025-03-30T04:00": datetime(2025, 3, 30, 1, 0),
        "2025-10-26T02:59": datetime(2025, 10, 25, 23, 59),
        "2025-10-26T03:30": datetime(2025, 10, 26, 0, 30),  # fold: first (summer) instant
        "2025-10-26T04:00": datetime(2025, 10, 26, 2, 0),  # winter again, +02:00
    }
    for text, utc in cases.items():
        assert _sql_instant(text)[0] == utc, text
        parsed = parse_timestamp(text)
        assert parsed is not None and parsed[0] == utc, text


def test_offsets_and_other_iso_spellings_are_absolute() -> None:
    assert parse_timestamp("2025-01-31T23:30:00Z") == (
        datetime(2025, 1, 31, 23, 30),
        datetime(2025, 2, 1, 1, 30),
    )
    assert parse_timestamp("2025-06-01T12:00+0300") == (
        datetime(2025, 6, 1, 9, 0),
        datetime(2025, 6, 1, 12, 0),
    )
    week_form = parse_timestamp("2025-W01-1T08:00")  # Monday of ISO week 1 = 30 Dec 2024
    assert week_form is not None and week_form[1] == datetime(2024, 12, 30, 8, 0)
    assert parse_timestamp("2025-02-29T10:00") is None
    assert parse_timestamp("1.3.2025 10:00") is None
    assert _sql_instant("2025-02-29T10:00") == (None, None)
    # DuckDB alone would read 24:00 as the next midnight; fromisoformat rejects it
    assert parse_timestamp("2025-06-01T24:00") is None
    assert _sql_instant("2025-06-01T24:00") == (None, None)


def test_canonical_sql_leaves_other_spellings_to_python() -> None:
    assert _sql_instant("2025-06-01T12:00+03:00") == (None, None)
    assert _sql_instant("1995-06-01T12:00") == (None, None)  # before the EU rule: Python
    assert naive_local_to_utc(datetime(1995, 6, 1, 12)) == datetime(1995, 6, 1, 9) - timedelta(0)
