"""Every row-level rule of extract-v1: the row is quarantined with file, line, column, reason."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.extract_files import CONTACTS, MINIMAL, PERSONS, UNITS, write_extract
from tilannekuva.ingest import load_extract

CONTACT_HEADER = CONTACTS.splitlines()[0]


def _load(tmp_path: Path, tables: dict[str, str]) -> duckdb.DuckDBPyConnection:
    extract = write_extract(tmp_path / "extract", {**MINIMAL, **tables})
    warehouse = tmp_path / "w.duckdb"
    load_extract(extract, warehouse)
    return duckdb.connect(str(warehouse), read_only=True)


def _quarantine(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, str | None, str]]:
    return con.execute(
        'SELECT file, line, "column", reason_code FROM quarantine ORDER BY file, line'
    ).fetchall()


def test_required_value_missing_rejects_only_that_row(tmp_path: Path) -> None:
    contacts = (
        CONTACT_HEADER
        + "\nc1,p1,u1,2025-03-03T10:00,R10,doctor,,,,,"
        + "\nc2,p1,u1,2025-03-03T11:00,R10,doctor,urgent,,,,\n"
    )
    con = _load(tmp_path, {"contacts": contacts})
    assert _quarantine(con) == [("contacts.csv", 2, "urgency", "required")]
    assert con.execute("SELECT contact_id FROM contacts").fetchall() == [("c2",)]


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("start_at", "3.3.2025 10:00", "invalid"),
        ("start_at", "2025-02-30T10:00", "invalid"),
        ("urgency", "URGENT", "invalid"),
        ("professional_group", "surgeon", "invalid"),
        ("care_plan", "yes", "invalid"),
        ("contact_type", "R99", "unknown_code"),
        ("booked_at", "tomorrow", "invalid"),
    ],
)
def test_unparseable_cell_rejects_the_row(
    tmp_path: Path, column: str, value: str, code: str
) -> None:
    row = {
        "contact_id": "c1",
        "person_id": "p1",
        "unit_id": "u1",
        "start_at": "2025-03-03T10:00",
        "contact_type": "R10",
        "professional_group": "doctor",
        "urgency": "nonurgent",
        "care_plan": "",
        "assessment_id": "",
        "reason_codes": "",
        "booked_at": "",
    }
    row[column] = value
    contacts = CONTACT_HEADER + "\n" + ",".join(row.values()) + "\n"
    con = _load(tmp_path, {"contacts": contacts})
    assert _quarantine(con) == [("contacts.csv", 2, column, code)]


def test_booleans_accept_true_false_1_0_in_any_case(tmp_path: Path) -> None:
    rows = [
        f"c{i},p1,u1,2025-03-03T10:0{i},R10,doctor,nonurgent,{flag},,,"
        for i, flag in enumerate(["TRUE", "False", "1", "0", ""])
    ]
    con = _load(tmp_path, {"contacts": CONTACT_HEADER + "\n" + "\n".join(rows) + "\n"})
    assert _quarantine(con) == []
    flags = con.execute("SELECT care_plan FROM contacts ORDER BY contact_id").fetchall()
    # an empty care_plan defaults to false (extract-v1 contacts table)
    assert [f for (f,) in flags] == [True, False, True, False, False]


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ("11,,,,,,,", "nps"),
        ("-1,,,,,,,", "nps"),
        ("7.5,,,,,,,", "nps"),
        ("9,6,,,,,,", "s1"),
        ("9,1,2,3,4,5,-1,", "s6"),
    ],
)
def test_feedback_scores_out_of_range_are_rejected(tmp_path: Path, cells: str, column: str) -> None:
    responses = (
        "response_id,invitation_id,unit_id,submitted_at,channel,nps,s1,s2,s3,s4,s5,s6,s7\n"
        f"r1,,u1,2025-03-03T12:00,kiosk,{cells}\n"
        "r2,,u1,2025-03-03T12:00,kiosk,10,0,5,,,,,\n"
    )
    con = _load(tmp_path, {"feedback_responses": responses})
    assert _quarantine(con) == [("feedback_responses.csv", 2, column, "invalid")]
    # 0 is a legal statement value ("no answer / not applicable")
    assert con.execute("SELECT response_id, s1 FROM feedback_responses").fetchall() == [("r2", 0)]


def test_qwl_index_out_of_range_is_rejected(tmp_path: Path) -> None:
    survey = (
        "unit_id,period,respondents,qwl_index\n"
        "u1,2025-03,10,101\nu1,2025-13,10,50\nu1,2025-04,10,58.5\n"
    )
    con = _load(tmp_path, {"staff_survey": survey})
    assert _quarantine(con) == [
        ("staff_survey.csv", 2, "qwl_index", "invalid"),
        ("staff_survey.csv", 3, "period", "invalid"),
    ]


def test_identity_code_as_person_id_is_rejected_and_not_echoed(tmp_path: Path) -> None:
    persons = PERSONS + "010190-123A,1990-01-01,1,205\n311299a999x,1999-12-31,2,205\n"
    con = _load(tmp_path, {"persons": persons})
    rows = con.execute('SELECT line, "column", reason_code, reason FROM quarantine').fetchall()
    assert [(line, col, code) for line, col, code, _ in rows] == [
        (4, "person_id", "identity_code"),
        (5, "person_id", "identity_code"),
    ]
    assert all("010190" not in reason for *_, reason in rows)


def test_pseudonym_that_only_resembles_an_identity_code_is_kept(tmp_path: Path) -> None:
    # the control character may not be G, I, O, Q or Z; the century sign must be one of the list
    persons = PERSONS + "010190-123G,1990-01-01,1,205\n010190Z123A,1990-01-01,1,205\n"
    con = _load(tmp_path, {"persons": persons})
    assert _quarantine(con) == []


def test_identical_duplicate_keeps_one_and_is_counted(tmp_path: Path) -> None:
    contacts = CONTACTS + CONTACTS.splitlines()[1] + "\n"
    con = _load(tmp_path, {"contacts": contacts})
    assert _quarantine(con) == []
    assert con.execute("SELECT file, line, key, kept_line FROM duplicate_rows").fetchall() == [
        ("contacts.csv", 3, "c1", 2)
    ]
    assert con.execute("SELECT count(*) FROM contacts").fetchone() == (1,)


def test_duplicates_compare_raw_text_so_true_and_1_differ(tmp_path: Path) -> None:
    contacts = (
        CONTACT_HEADER
        + "\nc1,p1,u1,2025-03-03T10:00,R10,doctor,nonurgent,true,,,\n"
        + "c1,p1,u1,2025-03-03T10:00,R10,doctor,nonurgent,1,,,\n"
        + "c2,p1,u1,2025-03-03T10:00,R10,doctor,nonurgent,1,,,\n"
    )
    con = _load(tmp_path, {"contacts": contacts})
    assert _quarantine(con) == [
        ("contacts.csv", 2, "contact_id", "duplicate_key"),
        ("contacts.csv", 3, "contact_id", "duplicate_key"),
    ]
    assert con.execute("SELECT contact_id FROM contacts").fetchall() == [("c2",)]


def test_duplicate_detection_runs_before_row_checks(tmp_path: Path) -> None:
    # two identical rows that are also invalid: one is dropped as a duplicate, one quarantined
    bad = "c9,p1,u1,not-a-time,R10,doctor,nonurgent,,,,"
    con = _load(tmp_path, {"contacts": CONTACTS + bad + "\n" + bad + "\n"})
    assert _quarantine(con) == [("contacts.csv", 3, "start_at", "invalid")]
    assert con.execute("SELECT line, kept_line FROM duplicate_rows").fetchall() == [(4, 3)]


def test_dangling_foreign_keys_are_rejected_and_cascade(tmp_path: Path) -> None:
    contacts = CONTACTS + "c2,p1,u9,2025-03-03T10:00,R10,doctor,nonurgent,,,,\n"
    invitations = (
        "invitation_id,contact_id,channel,sent_at\n"
        "i1,c2,sms,2025-03-03T12:00\ni2,c1,sms,2025-03-03T12:00\n"
    )
    responses = (
        "response_id,invitation_id,unit_id,submitted_at,channel,nps,s1,s2,s3,s4,s5,s6,s7\n"
        "r1,i1,u1,2025-03-03T13:00,sms,9,,,,,,,\n"
        "r2,i2,u1,2025-03-03T13:00,sms,9,,,,,,,\n"
        "r3,i404,u1,2025-03-03T13:00,sms,9,,,,,,,\n"
    )
    con = _load(
        tmp_path,
        {
            "contacts": contacts,
            "feedback_invitations": invitations,
            "feedback_responses": responses,
        },
    )
    assert _quarantine(con) == [
        ("contacts.csv", 3, "unit_id", "foreign_key"),
        ("feedback_invitations.csv", 2, "contact_id", "rejected_parent"),
        ("feedback_responses.csv", 2, "invitation_id", "rejected_parent"),
        ("feedback_responses.csv", 4, "invitation_id", "foreign_key"),
    ]
    assert con.execute("SELECT response_id FROM feedback_responses").fetchall() == [("r2",)]


def test_unit_hierarchy_rejections_cascade_down(tmp_path: Path) -> None:
    units = UNITS + "u3,Bad,205,nowhere,\nu4,Child of bad,205,oral,u3\nu5,Grandchild,205,oral,u4\n"
    con = _load(tmp_path, {"units": units})
    assert _quarantine(con) == [
        ("units.csv", 4, "service_area", "invalid"),
        ("units.csv", 5, "parent_id", "rejected_parent"),
        ("units.csv", 6, "parent_id", "rejected_parent"),
    ]


def test_broken_assessment_link_is_kept(tmp_path: Path) -> None:
    contacts = CONTACT_HEADER + "\nc1,p1,u1,2025-03-03T10:00,R10,doctor,nonurgent,,a404,,\n"
    con = _load(tmp_path, {"contacts": contacts})
    assert _quarantine(con) == []
    assert con.execute("SELECT assessment_id FROM contacts").fetchall() == [("a404",)]


def test_nullable_foreign_key_may_be_empty(tmp_path: Path) -> None:
    calls = (
        "call_id,unit_id,arrived_at,answered_at,callback_requested,callback_at,abandoned,"
        "person_id,reason\nk1,u1,2025-03-03T09:00,,,,,,\n"
    )
    con = _load(tmp_path, {"calls": calls})
    assert _quarantine(con) == []
    assert con.execute("SELECT abandoned FROM calls").fetchall() == [(None,)]


def test_wrong_number_of_fields_is_a_malformed_row(tmp_path: Path) -> None:
    contacts = CONTACTS + "c2,p1,u1\n"
    con = _load(tmp_path, {"contacts": contacts})
    rows = con.execute('SELECT line, "column", reason_code, reason FROM quarantine').fetchall()
    assert rows == [(3, None, "malformed_row", "expected 11 fields, found 3")]


def test_required_column_missing_from_header_rejects_every_row(tmp_path: Path) -> None:
    units = "unit_id,name,municipality_code\nu1,A,205\n"
    contacts = CONTACT_HEADER + "\n"
    con = _load(tmp_path, {"units": units, "contacts": contacts})
    assert _quarantine(con) == [("units.csv", 2, "service_area", "required")]


def test_unknown_extra_columns_are_kept_aside_and_reported(tmp_path: Path) -> None:
    persons = (
        "person_id,birth_date,sex,municipality_code,postcode\n"
        "p1,1980-02-29,2,205,87100\np2,2005-06-01,1,205,\n"
    )
    con = _load(tmp_path, {"persons": persons})
    assert _quarantine(con) == []
    assert con.execute('SELECT file, "column", non_null FROM extra_columns').fetchall() == [
        ("persons.csv", "postcode", 1)
    ]
    assert con.execute('SELECT line, "column", value FROM extra_cells').fetchall() == [
        (2, "postcode", "87100")
    ]
