"""duplicate_keys, unknown_codes, quarantined_rows and extra_columns: the load's bookkeeping.

Rejected rows are not in the warehouse: their findings have no unit or month, and their
examples are file:line (physical line, header = 1).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.quality.loading import load_tables
from tilannekuva.quality import QualityReport, build_report
from tilannekuva.quality.report import Cell, UnitFindings

UNITS = """\
unit_id,name,municipality_code,service_area,parent_id
u1,Kajaanin terveysasema,205,reception,
u2,Kajaanin hammashoitola,205,oral,u1
u3,Kajaanin sairaala,205,hospital,
"""
PERSONS = """\
person_id,birth_date,sex,municipality_code,x_flag
p1,1980-02-29,2,205,1
p2,2005-06-01,1,205,
"""
CONTACTS = """\
contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,assessment_id,reason_codes,booked_at,note
c1,p1,u1,2025-03-03T10:00:00,R10,doctor,nonurgent,,,,,hello
c1,p1,u1,2025-03-03T10:00:00,R10,doctor,nonurgent,,,,,hello
c2,p1,u1,2025-03-04T10:00:00,R10,doctor,nonurgent,,,,,
c2,p1,u1,2025-03-04T11:00:00,R10,doctor,nonurgent,,,,,
c3,p1,u1,2025-03-05T10:00:00,R99,doctor,nonurgent,,,,,
c4,p1,u1,2025-03-05T10:00:00,R10,doctor,URGENT,,,,,
c5,p1,u1,5.3.2025 10:00,R10,doctor,nonurgent,,,,,
c6,p1,u9,2025-03-05T10:00:00,R10,doctor,nonurgent,,,,,
c7,,u1,2025-03-06T10:00:00,R10,nurse,nonurgent,,,,,
c8,p2,u2,2025-03-06T10:00:00,R10,dentist,nonurgent,,,,,
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tables = {"units": UNITS, "persons": PERSONS, "contacts": CONTACTS}
    return load_tables(tmp_path_factory.mktemp("load"), tables)


@pytest.fixture(scope="module")
def report(warehouse: Path) -> QualityReport:
    return build_report(warehouse, example_limit=10)


def test_quarantined_rows_by_reason_with_lines_in_natural_order(report: QualityReport) -> None:
    result = report.result("quarantined_rows")
    # contacts.csv: 4 and 5 (c2 twice, different content), 6 (R99), 7 (URGENT), 8 (date
    # 5.3.2025), 9 (unit u9), 10 (person empty); units.csv: 4 (service_area hospital).
    assert result.total == 8
    assert result.by_detail == {
        "duplicate_key": 2,
        "foreign_key": 1,
        "invalid": 3,
        "required": 1,
        "unknown_code": 1,
    }
    assert result.cells == (Cell(None, None, 8),)
    lines = tuple(f"contacts.csv:{n}" for n in range(4, 11)) + ("units.csv:4",)
    assert result.units == (UnitFindings(None, 8, lines),)


def test_duplicate_keys_identical_copies_and_conflicting_copies(report: QualityReport) -> None:
    result = report.result("duplicate_keys")
    # c1 on line 3 repeats line 2 exactly: dropped. c2 on lines 4 and 5 differ: both rejected.
    assert result.total == 3
    assert result.by_detail == {"conflicting_rejected": 2, "identical_dropped": 1}
    assert result.units == (
        UnitFindings(None, 3, ("contacts.csv:3", "contacts.csv:4", "contacts.csv:5")),
    )


def test_unknown_codes_are_code_and_enum_rejections_only(report: QualityReport) -> None:
    result = report.result("unknown_codes")
    # R99 (unknown contact type), URGENT (urgency enum), hospital (service_area enum); the
    # unparseable start_at on line 8 is invalid but not a code.
    assert result.total == 3
    assert result.by_detail == {
        "contacts.csv: contact_type": 1,
        "contacts.csv: urgency": 1,
        "units.csv: service_area": 1,
    }
    assert result.units == (
        UnitFindings(None, 3, ("contacts.csv:6", "contacts.csv:7", "units.csv:4")),
    )


def test_extra_columns_one_finding_per_file_and_column(report: QualityReport) -> None:
    result = report.result("extra_columns")
    assert result.total == 2
    assert result.by_detail == {"contacts.csv": 1, "persons.csv": 1}
    assert result.units == (UnitFindings(None, 2, ("contacts.csv[note]", "persons.csv[x_flag]")),)


def test_example_limit_keeps_the_first_ids(warehouse: Path) -> None:
    result = build_report(warehouse, example_limit=2).result("quarantined_rows")
    assert result.total == 8
    assert result.units == (UnitFindings(None, 8, ("contacts.csv:4", "contacts.csv:5")),)
