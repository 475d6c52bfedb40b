"""reply_before_message, future_timestamps and units_with_no_events on a hand-made extract.

Cutoff (extract.json): 2025-06-30 12:00 Helsinki = 09:00 UTC. Instants are compared with
offsets applied; months are the local month of each table's anchor timestamp.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.extract_files import PERSONS, write_extract
from tests.quality.loading import META, report_for
from tilannekuva.ingest import load_extract
from tilannekuva.quality import QualityReport, build_report
from tilannekuva.quality.report import Cell, UnitFindings

UNITS = """\
unit_id,name,municipality_code,service_area,parent_id
u1,Kajaanin terveysasema,205,reception,
u2,Kajaanin hammashoitola,205,oral,u1
u3,Paltamon terveysasema,620,reception,u6
u4,Sotkamon hammashoitola,765,oral,
u5,Kuhmon kotihoito,290,elderly,u6
u6,Kainuun hyvinvointialue,205,other,
"""
CONTACTS = """\
contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,assessment_id,reason_codes,booked_at
c1,p1,u1,2025-03-03T10:00:00,R10,doctor,nonurgent,,,,
c8,p1,u1,2025-06-01T10:00:00,R10,doctor,nonurgent,,,,2025-07-01T08:00:00
c9,p2,u2,2025-07-02T10:00:00,R10,dentist,nonurgent,,,,
c10,p2,u2,2025-06-30T12:00:00,R10,dentist,nonurgent,,,,
"""
MESSAGES = """\
message_id,person_id,unit_id,received_at,first_reply_at,channel
m1,p1,u1,2025-03-03T10:00:00,2025-03-03T09:59:00,portal
m2,p1,u1,2025-03-03T10:00:00,2025-03-03T10:00:00,portal
m3,p2,u2,2025-03-03T10:00:00+02:00,2025-03-03T09:30:00+01:00,chat
m4,,u2,2025-03-31T12:00:00,2025-07-01T08:00:00,portal
m5,p1,u1,2025-05-31T22:30:00Z,2025-05-31T22:00:00Z,form
"""
INVITATIONS = """\
invitation_id,contact_id,channel,sent_at
i1,c1,sms,2025-07-05T10:00:00
"""
SLOTS = """\
snapshot_date,unit_id,professional_group,professional_id,slot_start,slot_kind,status
2025-06-30,u4,dentist,d1,2025-08-01T10:00:00,nonurgent,free
"""
SURVEY = """\
unit_id,period,respondents,qwl_index
u5,2025-05,10,70
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> QualityReport:
    tables = {
        "units": UNITS,
        "persons": PERSONS,
        "contacts": CONTACTS,
        "messages": MESSAGES,
        "feedback_invitations": INVITATIONS,
        "slot_snapshots": SLOTS,
        "staff_survey": SURVEY,
    }
    return report_for(tmp_path_factory.mktemp("events"), tables)


def test_reply_before_message_compares_instants(report: QualityReport) -> None:
    result = report.result("reply_before_message")
    # m1: reply a minute early. m2: same instant (not before). m3: 09:30+01 = 08:30Z is after
    # 10:00+02 = 08:00Z although the wall clock reads earlier. m5: received 22:30Z on 31 May
    # = 01:30 on 1 June in Helsinki, so it counts in June.
    assert result.total == 2
    assert result.cells == (Cell("u1", "2025-03", 1), Cell("u1", "2025-06", 1))
    assert result.units == (UnitFindings("u1", 2, ("m1", "m5")),)


def test_future_timestamps_are_counted_per_cell_in_the_anchor_month(
    report: QualityReport,
) -> None:
    result = report.result("future_timestamps")
    # Later than 2025-06-30 12:00 local: c8.booked_at (line 3, anchor start_at in June),
    # c9.start_at (line 4, July), i1.sent_at (its contact c1 is u1's; July), m4.first_reply_at
    # (line 5, anchor received_at in March). c10 is exactly at the cutoff: not later. The
    # slot on 2025-08-01 is in the future by nature and not checked.
    assert result.total == 4
    assert result.by_detail == {
        "contacts.booked_at": 1,
        "contacts.start_at": 1,
        "feedback_invitations.sent_at": 1,
        "messages.first_reply_at": 1,
    }
    assert result.cells == (
        Cell("u1", "2025-06", 1),
        Cell("u1", "2025-07", 1),
        Cell("u2", "2025-03", 1),
        Cell("u2", "2025-07", 1),
    )
    assert result.units == (
        UnitFindings("u1", 2, ("contacts.csv:3", "feedback_invitations.csv:2")),
        UnitFindings("u2", 2, ("messages.csv:5", "contacts.csv:4")),
    )


def test_units_with_no_events(report: QualityReport) -> None:
    result = report.result("units_with_no_events")
    # u1, u2: contacts and messages; u4: an appointment-book slot. u3: nothing at all;
    # u5: only a staff survey, which is not an event of the unit's customers. u6 has no
    # events either, but it is the parent of u3 and u5: a hierarchy level, not reported.
    assert result.total == 2
    assert result.cells == (Cell("u3", None, 1), Cell("u5", None, 1))
    assert [u.examples for u in result.units] == [("u3",), ("u5",)]


def test_parquet_rows_are_named_by_file_and_row_position(tmp_path: Path) -> None:
    header, *rows = CONTACTS.splitlines()
    columns = header.split(",")
    cells = [row.split(",") for row in rows]
    table = pa.table({name: [r[i] or None for r in cells] for i, name in enumerate(columns)})
    folder = write_extract(tmp_path / "extract", {"units": UNITS, "persons": PERSONS}, meta=META)
    pq.write_table(table, folder / "contacts.parquet")
    load_extract(folder, tmp_path / "w.duckdb")
    report = build_report(tmp_path / "w.duckdb")
    # c9 (start_at 2025-07-02) is the third row: Parquet rows are numbered index + 2, as if the
    # file were a CSV with a header (docs/warehouse.md); c8's booked_at is the second row.
    assert report.result("future_timestamps").units == (
        UnitFindings("u1", 1, ("contacts.parquet:3",)),
        UnitFindings("u2", 1, ("contacts.parquet:4",)),
    )
