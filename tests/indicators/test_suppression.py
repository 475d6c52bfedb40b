"""Role public: denominators (counts) 1–4 are blanked, 5 is shown; county rows too."""

from __future__ import annotations

from pathlib import Path

from tests.indicators.fixtures import (
    ASSESSMENT_HEADER,
    CONTACT_HEADER,
    assessment,
    compute,
    contact,
    table,
)


def contacts_of(unit: str, n: int, month: str = "2025-03") -> list[str]:
    return [contact(f"{unit}-{month}-{i}", f"{month}-05T09:00:00", unit=unit) for i in range(n)]


def test_four_is_suppressed_and_five_is_not(tmp_path: Path) -> None:
    # u1: 4 in-person contacts in March, u2: 5; March county = 9.
    rows = contacts_of("u1", 4) + contacts_of("u2", 5)
    public = compute(tmp_path / "public", {"contacts": table(CONTACT_HEADER, rows)}, role="public")
    small = public.row("contacts_total", "2025-03", "u1")
    assert (small.numerator, small.denominator, small.value, small.suppressed) == (
        None,
        None,
        None,
        True,
    )
    assert public.row("contacts_total", "2025-03", "u2").value == 5
    assert public.row("contacts_total", "2025-03", "").value == 9
    # The ratio: remote share denominators are the same contacts (persons aged 44).
    share = public.row("remote_contact_share_20plus", "2025-03", "u1")
    assert (share.numerator, share.denominator, share.value, share.suppressed) == (
        None,
        None,
        None,
        True,
    )
    assert public.row("remote_contact_share_20plus", "2025-03", "u2").denominator == 5
    analyst = compute(tmp_path / "analyst", {"contacts": table(CONTACT_HEADER, rows)})
    assert analyst.row("contacts_total", "2025-03", "u1").value == 4
    assert not any(row.suppressed for row in analyst.rows)


def test_county_rows_are_suppressed_too(tmp_path: Path) -> None:
    result = compute(
        tmp_path, {"contacts": table(CONTACT_HEADER, contacts_of("u1", 1))}, role="public"
    )
    county = result.row("contacts_total", "2025", "")
    assert county.suppressed and county.value is None


def test_suppressed_row_keeps_provisional(tmp_path: Path) -> None:
    result = compute(
        tmp_path,
        {
            "assessments": table(ASSESSMENT_HEADER, [assessment("a1", "2025-03-01T09:00:00")]),
            "contacts": table(CONTACT_HEADER, []),
        },
        role="public",
        cutoff="2025-04-01T12:00:00",
    )
    row = result.row("orphan_assessments", "2025-03", "u1")
    assert row.suppressed and row.provisional
    assert (row.numerator, row.denominator, row.value) == (None, None, None)
