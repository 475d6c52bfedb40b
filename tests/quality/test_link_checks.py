"""broken_links, visit_before_assessment and orphan_assessments on a hand-made extract.

The "valid link" of indicators-v1 Common terms: the assessment exists (survived the load) and
belongs to the contact's person. Months are local (Europe/Helsinki) months.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.quality.loading import load_tables
from tilannekuva.indicators import compute_indicators
from tilannekuva.quality import QualityReport, build_report
from tilannekuva.quality.report import Cell, UnitFindings

ASSESSMENTS = """\
assessment_id,person_id,unit_id,assessed_at,professional_group,outcome
a1,p1,u1,2025-03-03T09:00:00,nurse,nonurgent_care
a2,p1,u1,2025-03-10T09:00:00,nurse,nonurgent_care
a3,p2,u2,2025-01-15T09:00:00,dentist,nonurgent_care
a4,p2,u2,2025-02-20T09:00:00,dentist,urgent_care
a5,p1,u1,2025-03-31T23:30:00+00:00,nurse,nonurgent_care
a6,p1,u1,2025-03-15T09:00:00,nurse,maybe
a7,p2,u1,2025-03-10T09:00:00,nurse,nonurgent_care
"""
CONTACTS = """\
contact_id,person_id,unit_id,start_at,contact_type,professional_group,urgency,care_plan,assessment_id,reason_codes,booked_at
c1,p1,u1,2025-03-03T10:00:00,R10,doctor,nonurgent,,a1,,
c2,p1,u1,2025-03-05T10:00:00,R10,doctor,nonurgent,,zz,,
c3,p1,u1,2025-03-08T10:00:00,R50,nurse,urgent,,a2,,
c4,p1,u2,2025-02-01T10:00:00,R10,dentist,nonurgent,,a3,,
c6,p1,u1,2025-03-03T08:00:00,R10,doctor,nonurgent,,a1,,
c7,p1,u1,2025-03-20T10:00:00,R10,doctor,nonurgent,,a6,,
c8,p2,u1,2025-03-09T23:30:00Z,R10,doctor,nonurgent,,a7,,
c9,p2,u1,2025-03-11T10:00:00,R10,doctor,nonurgent,,,,
"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("links")
    return load_tables(folder, {"assessments": ASSESSMENTS, "contacts": CONTACTS})


@pytest.fixture(scope="module")
def report(warehouse: Path) -> QualityReport:
    return build_report(warehouse)


def test_broken_links_count_missing_rejected_and_other_persons_assessments(
    report: QualityReport,
) -> None:
    result = report.result("broken_links")
    # c2 names zz (never existed), c7 names a6 (quarantined: outcome "maybe"),
    # c4 is p1's contact naming a3, which is p2's assessment. c9 has no link at all.
    assert result.total == 3
    assert result.by_detail == {"no_assessment": 2, "other_person": 1}
    assert result.cells == (Cell("u1", "2025-03", 2), Cell("u2", "2025-02", 1))
    assert result.units == (
        UnitFindings("u1", 2, ("c2", "c7")),
        UnitFindings("u2", 1, ("c4",)),
    )


def test_visit_before_assessment_compares_local_dates(report: QualityReport) -> None:
    result = report.result("visit_before_assessment")
    # c3: 2025-03-08 < a2's 2025-03-10. Not found: c6 (08:00, same day as a1 at 09:00) and
    # c8 (23:30Z on 03-09 = 01:30 on 03-10 in Helsinki, the day a7 was assessed).
    # c4 (2025-02-01) is earlier than a3, but not validly linked: a broken link only.
    assert result.total == 1
    assert result.cells == (Cell("u1", "2025-03", 1),)
    assert result.units == (UnitFindings("u1", 1, ("c3",)),)


def test_orphan_assessments_follow_the_indicator_rule(report: QualityReport) -> None:
    result = report.result("orphan_assessments")
    # a1, a7: validly linked. a2: linked only by c3, an urgent phone call dated before the
    # assessment, which still counts. a3: only a broken link (c4 is another person's).
    # a4: outcome urgent_care. a5: 23:30Z on 31 March = 02:30 on 1 April in Helsinki (EEST).
    assert result.total == 2
    assert result.cells == (Cell("u1", "2025-04", 1), Cell("u2", "2025-01", 1))
    assert result.units == (UnitFindings("u1", 1, ("a5",)), UnitFindings("u2", 1, ("a3",)))
    # Cutoff 2025-06-30: April ended 61 days before (< 90, provisional);
    # January ended 150 days before (final).
    assert result.by_detail == {"final": 1, "provisional": 1}


def test_orphans_agree_with_the_orphan_assessments_indicator(
    warehouse: Path, report: QualityReport
) -> None:
    # The indicator's county rows per year: 2025 has a3 and a5 as orphans (numerator 2) out
    # of the five nonurgent_care assessments a1, a2, a3, a5, a7.
    rows = compute_indicators(warehouse)
    yearly = [
        (row.period, row.numerator, row.denominator)
        for row in rows
        if row.indicator_id == "orphan_assessments" and not row.unit_id and len(row.period) == 4
    ]
    assert yearly == [("2025", 2, 5)]
    assert report.result("orphan_assessments").total == 2
