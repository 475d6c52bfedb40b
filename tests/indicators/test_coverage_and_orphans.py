"""assessment_coverage (+ doctor, dentist) and orphan_assessments, incl. provisional rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.indicators.fixtures import (
    ASSESSMENT_HEADER,
    CONTACT_HEADER,
    assessment,
    compute,
    contact,
    table,
)


def test_coverage_counts_valid_links_of_eligible_visits(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "assessments": table(
                ASSESSMENT_HEADER,
                [
                    assessment("a1", "2025-03-01T09:00:00"),
                    # Coverage ignores outcome, date and unit: a self_care assessment made
                    # after the visit at another unit still makes a valid link.
                    assessment("a2", "2025-04-01T09:00:00", unit="u3", outcome="self_care"),
                ],
            ),
            "contacts": table(
                CONTACT_HEADER,
                [
                    contact("c1", "2025-03-05T09:00:00", assessment="a1"),  # doctor, valid
                    contact("c2", "2025-03-05T09:00:00"),  # doctor, no link
                    contact("c3", "2025-03-05T09:00:00", group="nurse", assessment="a2"),  # valid
                    contact(
                        "c4", "2025-03-05T09:00:00", group="dentist", person="p2", assessment="a1"
                    ),  # wrong person
                    contact(
                        "c5", "2025-03-05T09:00:00", group="dentist", assessment="gone"
                    ),  # missing
                    contact(
                        "c6", "2025-03-05T09:00:00", urgency="urgent", assessment="a1"
                    ),  # not eligible
                    contact(
                        "c7", "2025-03-05T09:00:00", care_plan="1", assessment="a1"
                    ),  # not eligible
                    contact(
                        "c8", "2025-03-05T09:00:00", contact_type="R56", assessment="a1"
                    ),  # no visit
                    contact(
                        "c9", "2025-03-05T09:00:00", contact_type="R52", assessment="a1"
                    ),  # video visit
                ],
            ),
        },
    )
    # Eligible: c1, c2, c3, c4, c5, c9 = 6; valid: c1, c3, c9 = 3 → 50.0 %.
    row = result.row("assessment_coverage", "2025-03", "u1")
    assert (row.numerator, row.denominator, row.value) == (3, 6, 50.0)
    # Doctors: c1, c2, c9 with c1, c9 valid → 2 / 3 = 66.666…
    row = result.row("assessment_coverage_doctor", "2025-Q1", "")
    assert (row.numerator, row.denominator) == (2, 3)
    assert row.value == pytest.approx(200 / 3, rel=1e-15)
    # Dentists: c4 (broken: wrong person) and c5 (broken: missing) → 0 / 2.
    assert result.nd("assessment_coverage_dentist", "2025", "u1") == (0, 2)


def test_coverage_needs_the_assessments_file(tmp_path: Path) -> None:
    # Without assessments.csv no link can be validated: "not computable, not as zero".
    result = compute(
        tmp_path, {"contacts": table(CONTACT_HEADER, [contact("c1", "2025-03-05T09:00:00")])}
    )
    assert not {"assessment_coverage", "care_guarantee_7d", "orphan_assessments"} & result.ids()
    assert "contacts_total" in result.ids()


def test_orphans_any_valid_link_saves_an_assessment(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "assessments": table(
                ASSESSMENT_HEADER,
                [
                    assessment("a1", "2025-03-01T09:00:00"),  # linked by an urgent phone call
                    assessment("a2", "2025-03-01T09:00:00"),  # linked only by another person
                    assessment("a3", "2025-03-01T09:00:00", unit="u3"),  # never linked
                    assessment("a4", "2025-03-01T09:00:00", outcome="self_care"),  # not counted
                    assessment("a5", "2025-02-28T22:30:00Z"),  # 1 Mar 00:30 local; linked by a
                ],
            ),
            "contacts": table(
                CONTACT_HEADER,
                [
                    contact(
                        "c1",
                        "2025-03-02T09:00:00",
                        urgency="urgent",
                        contact_type="R50",
                        assessment="a1",
                    ),
                    contact("c2", "2025-03-02T09:00:00", person="p2", assessment="a2"),
                    # consultation with care plan, a year earlier: still a valid link
                    contact(
                        "c5",
                        "2024-03-02T09:00:00",
                        contact_type="R60",
                        care_plan="true",
                        assessment="a5",
                    ),
                ],
            ),
        },
    )
    # u1: a1, a2, a5 in the denominator, a2 orphan → 1 / 3; u3: a3 orphan → 1 / 1.
    assert result.nd("orphan_assessments", "2025-03", "u1") == (1, 3)
    assert result.nd("orphan_assessments", "2025-03", "u3") == (1, 1)
    assert result.nd("orphan_assessments", "2025-03", "") == (2, 4)
    assert result.get("orphan_assessments", "2025-02", "u1") is None


@pytest.mark.parametrize(
    ("cutoff", "march_provisional"),
    [
        # 31 Mar + 90 days = 29 Jun. The cutoff's *local* date counts.
        ("2025-06-29T00:30:00+03:00", False),  # 90 days: final
        ("2025-06-28T23:59:59+03:00", True),  # 89 days: provisional
        ("2025-06-28T21:30:00Z", False),  # = 29 Jun 00:30 local: 90 days, final
        ("2025-06-28T20:59:59Z", True),  # = 28 Jun 23:59:59 local: 89 days
    ],
)
def test_orphans_provisional_boundary(tmp_path: Path, cutoff: str, march_provisional: bool) -> None:
    result = compute(
        tmp_path,
        {
            "assessments": table(ASSESSMENT_HEADER, [assessment("a1", "2025-03-15T09:00:00")]),
            "contacts": table(
                CONTACT_HEADER, [contact("c1", "2025-03-16T09:00:00", assessment="a1")]
            ),
        },
        cutoff=cutoff,
    )
    assert result.row("orphan_assessments", "2025-03", "u1").provisional is march_provisional
    # The quarter ends the same day as March; the year ends later → always provisional.
    assert result.row("orphan_assessments", "2025-Q1", "").provisional is march_provisional
    assert result.row("orphan_assessments", "2025", "").provisional is True
    # Every other indicator is final.
    assert all(
        not row.provisional for row in result.rows if row.indicator_id != "orphan_assessments"
    )
