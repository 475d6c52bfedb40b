"""Whole-load behaviour: unreadable extracts, atomicity, idempotence, line numbers, formats."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from tests.extract_files import CONTACTS, MINIMAL, write_extract
from tilannekuva.ingest import ExtractUnreadable, load_extract

CONTACT_HEADER = CONTACTS.splitlines()[0]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: (d / "units.csv").unlink(), "required file units.csv is missing"),
        (
            lambda d: (d / "persons.csv").write_bytes("person_id\nä\n".encode("latin-1")),
            "not UTF-8",
        ),
        (lambda d: (d / "contacts.csv").write_bytes(b"\x00\x01\x02PK"), "binary"),
        (lambda d: (d / "contacts.csv").write_bytes(b""), "empty"),
        (
            lambda d: (d / "units.parquet").write_bytes(b"not parquet"),
            "both units.csv and units.parquet",
        ),
        (lambda d: (d / "calls.parquet").write_bytes(b"not parquet"), "not a readable Parquet"),
        (lambda d: (d / "extract.json").write_text("{oops"), "extract.json: not valid JSON"),
        (lambda d: (d / "units.csv").write_text("unit_id,unit_id\nu1,u1\n"), "appears twice"),
    ],
)
def test_unreadable_extract_raises_one_line_reason(tmp_path: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    extract = write_extract(tmp_path / "e", MINIMAL)
    damage(extract)
    with pytest.raises(ExtractUnreadable) as raised:
        load_extract(extract, tmp_path / "w.duckdb")
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_failed_load_leaves_the_previous_load_untouched(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    first = load_extract(write_extract(tmp_path / "a", MINIMAL), warehouse)
    broken = write_extract(tmp_path / "b", MINIMAL)
    (broken / "calls.csv").write_bytes("call_id\n\xe4\n".encode("latin-1"))
    with pytest.raises(ExtractUnreadable):
        load_extract(broken, warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT load_id FROM loads WHERE is_current").fetchall() == [
        (first.load_id,)
    ]
    assert con.execute("SELECT count(*) FROM contacts").fetchone() == (1,)


def test_loading_the_same_extract_again_changes_nothing(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "e", MINIMAL)
    warehouse = tmp_path / "w.duckdb"
    first = load_extract(extract, warehouse)
    second = load_extract(extract, warehouse)
    assert second.already_loaded and second.load_id == first.load_id
    assert second.rows_loaded == first.rows_loaded
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM loads").fetchone() == (1,)


def test_a_new_extract_replaces_the_current_load_and_is_recorded(tmp_path: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    load_extract(write_extract(tmp_path / "a", MINIMAL), warehouse)
    more = CONTACTS + "c2,p2,u2,2025-03-04T10:00,R50,nurse,urgent,,,,\n"
    second = load_extract(
        write_extract(tmp_path / "b", {**MINIMAL, "contacts": more}, meta={"extract_id": "X2"}),
        warehouse,
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM contacts").fetchone() == (2,)
    assert con.execute(
        "SELECT extract_id, is_current FROM loads ORDER BY loaded_at, is_current"
    ).fetchall()[-1] == ("X2", True)
    assert con.execute("SELECT count(*) FROM loads WHERE is_current").fetchone() == (1,)
    assert second.rows_loaded["contacts"] == 2


def test_line_numbers_are_physical_lines(tmp_path: Path) -> None:
    # a quoted newline makes later records start further down; blank lines still count
    contacts = (
        CONTACT_HEADER
        + '\nc1,p1,u1,2025-03-03T10:00,R10,doctor,nonurgent,,,"A01\nA02",\n'
        + "\n"
        + "c2,p1,u1,2025-03-03T10:00,R10,doctor,bad,,,,\n"
    )
    extract = write_extract(tmp_path / "e", {**MINIMAL, "contacts": contacts})
    load_extract(extract, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    assert con.execute("SELECT line FROM quarantine").fetchall() == [(5,)]
    assert con.execute("SELECT reason_codes, _line FROM contacts").fetchall() == [("A01\nA02", 2)]


def test_bom_and_crlf_are_read(tmp_path: Path) -> None:
    extract = write_extract(tmp_path / "e", MINIMAL)
    for name in ("units", "persons", "contacts"):
        path = extract / f"{name}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    result = load_extract(extract, tmp_path / "w.duckdb")
    assert result.rows_quarantined == 0
    assert result.rows_loaded["units"] == 2 and result.rows_loaded["contacts"] == 1


def test_missing_optional_file_versus_header_only_file(tmp_path: Path) -> None:
    messages = "message_id,person_id,unit_id,received_at,first_reply_at,channel\n"
    extract = write_extract(tmp_path / "e", {**MINIMAL, "messages": messages})
    load_extract(extract, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    available = dict(con.execute("SELECT table_name, available FROM sources").fetchall())
    assert available["messages"] is True and available["calls"] is False
    assert con.execute("SELECT count(*) FROM calls").fetchone() == (0,)


def test_timestamps_keep_instant_and_helsinki_wall_clock(tmp_path: Path) -> None:
    contacts = CONTACT_HEADER + "".join(
        f"\nc{i},p1,u1,{stamp},R10,doctor,nonurgent,,,,"
        for i, stamp in enumerate(
            [
                "2025-01-31T23:30:00Z",  # offset: 01:30 local on 1 Feb
                "2025-06-01 12:00",  # naive summer time, +03:00
                "2025-03-30T03:30",  # in the spring gap: summer-time instant
                "2025-10-26T03:30",  # in the autumn fold: the first (summer) instant
                "2025-01-15T10:00+05:00",
            ]
        )
    )
    load_extract(
        write_extract(tmp_path / "e", {**MINIMAL, "contacts": contacts + "\n"}),
        tmp_path / "w.duckdb",
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT start_at, start_at_local FROM contacts ORDER BY contact_id"
    ).fetchall()
    assert rows == [
        (datetime(2025, 1, 31, 23, 30), datetime(2025, 2, 1, 1, 30)),
        (datetime(2025, 6, 1, 9, 0), datetime(2025, 6, 1, 12, 0)),
        (datetime(2025, 3, 30, 0, 30), datetime(2025, 3, 30, 3, 30)),
        (datetime(2025, 10, 26, 0, 30), datetime(2025, 10, 26, 3, 30)),
        (datetime(2025, 1, 15, 5, 0), datetime(2025, 1, 15, 7, 0)),
    ]


def test_cutoff_from_extract_json_or_latest_timestamp(tmp_path: Path) -> None:
    contacts = CONTACTS + "c2,p1,u1,2025-03-05T10:00,R10,doctor,nonurgent,,,,2025-03-06T08:00\n"
    derived = load_extract(
        write_extract(tmp_path / "a", {**MINIMAL, "contacts": contacts}), tmp_path / "a.duckdb"
    )
    # the latest instant of any timestamp column, booked_at included
    assert derived.cutoff_local == datetime(2025, 3, 6, 8, 0)
    given = load_extract(
        write_extract(
            tmp_path / "b",
            MINIMAL,
            meta={"extract_id": "K1", "cutoff": "2025-04-01T00:00:00+03:00", "source": "test"},
        ),
        tmp_path / "b.duckdb",
    )
    assert given.extract_id == "K1"
    assert given.cutoff == datetime(2025, 3, 31, 21, 0)


def test_parquet_extract_loads_the_same_rows_as_csv(tmp_path: Path) -> None:
    csv_dir = write_extract(tmp_path / "csv", MINIMAL)
    parquet_dir = tmp_path / "parquet"
    parquet_dir.mkdir()
    for name in MINIMAL:
        table = pacsv.read_csv(csv_dir / f"{name}.csv")  # typed by Arrow: ints, dates, timestamps
        pq.write_table(table, parquet_dir / f"{name}.parquet")
    load_extract(csv_dir, tmp_path / "c.duckdb", pseudonym_key="same")
    load_extract(parquet_dir, tmp_path / "p.duckdb", pseudonym_key="same")
    for table in MINIMAL:
        query = f"SELECT * FROM {table} ORDER BY _line"
        from_csv = (
            duckdb.connect(str(tmp_path / "c.duckdb"), read_only=True).execute(query).fetchall()
        )
        from_parquet = (
            duckdb.connect(str(tmp_path / "p.duckdb"), read_only=True).execute(query).fetchall()
        )
        assert from_parquet == from_csv, table


def test_load_is_recorded_with_checksum_and_counts(tmp_path: Path) -> None:
    extract = write_extract(
        tmp_path / "e", {**MINIMAL, "contacts": CONTACTS + "c2,p1,u1,x,R10,doctor,nonurgent,,,,\n"}
    )
    result = load_extract(extract, tmp_path / "w.duckdb")
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    row = con.execute(
        "SELECT load_id, checksum, rows_loaded, rows_quarantined, cutoff_from FROM loads"
    ).fetchone()
    assert row == (result.load_id, result.checksum, 5, 1, "data")
    assert json.dumps(result.rows_loaded)  # plain counts, serialisable for reports


def test_person_ids_are_pseudonymised_consistently(tmp_path: Path) -> None:
    contacts = CONTACTS + "c2,p2,u1,2025-03-04T10:00,R10,doctor,nonurgent,,,,\n"
    extract = write_extract(tmp_path / "e", {**MINIMAL, "contacts": contacts})
    load_extract(extract, tmp_path / "a.duckdb", pseudonym_key="k1")
    load_extract(extract, tmp_path / "b.duckdb", pseudonym_key="k2")
    con = duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True)
    people = [p for (p,) in con.execute("SELECT person_id FROM persons ORDER BY _line").fetchall()]
    assert "p1" not in people and all(p.startswith("ps-") for p in people)
    # the same person keeps one pseudonym across tables, so joins still work
    joined = con.execute(
        "SELECT count(*) FROM contacts c JOIN persons p USING (person_id)"
    ).fetchone()
    assert joined == (2,)
    other = duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True)
    assert other.execute("SELECT person_id FROM persons ORDER BY _line").fetchall() != [
        (p,) for p in people
    ]


def test_large_files_are_streamed_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Files above IN_MEMORY_BYTES are streamed block by block into DuckDB instead of being
    # read whole; line numbers, duplicates and rejections must not depend on which path ran.
    contacts = (
        CONTACTS
        + CONTACTS.splitlines()[1]
        + "\n"
        + "c2,p1,u1,2025-03-04T10:00,R10,doctor,bad,,,,\n"
        + "c3,p2,u2,2025-03-04T10:00+02:00,R50,nurse,urgent,,,,\n"
    )
    extract = write_extract(tmp_path / "e", {**MINIMAL, "contacts": contacts})
    csv_dir = extract
    parquet_dir = tmp_path / "p"
    parquet_dir.mkdir()
    for name in MINIMAL:
        pq.write_table(pacsv.read_csv(csv_dir / f"{name}.csv"), parquet_dir / f"{name}.parquet")

    def snapshot(warehouse: Path) -> list[object]:
        con = duckdb.connect(str(warehouse), read_only=True)
        return [
            con.execute(f"SELECT * FROM {query}").fetchall()
            for query in ("contacts ORDER BY _line", "quarantine", "duplicate_rows")
        ]

    load_extract(extract, tmp_path / "whole.duckdb", pseudonym_key="k")
    load_extract(parquet_dir, tmp_path / "whole_p.duckdb", pseudonym_key="k")
    monkeypatch.setattr("tilannekuva.ingest.reader.IN_MEMORY_BYTES", 0)
    load_extract(extract, tmp_path / "streamed.duckdb", pseudonym_key="k")
    load_extract(parquet_dir, tmp_path / "streamed_p.duckdb", pseudonym_key="k")
    assert snapshot(tmp_path / "streamed.duckdb") == snapshot(tmp_path / "whole.duckdb")
    assert snapshot(tmp_path / "streamed_p.duckdb") == snapshot(tmp_path / "whole_p.duckdb")
    assert len(snapshot(tmp_path / "whole.duckdb")[1]) == 1
