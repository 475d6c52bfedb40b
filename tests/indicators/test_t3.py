"""t3_days, t3_days_doctor, t3_not_measurable: books, pooled books, medians, never suppressed."""

from __future__ import annotations

from pathlib import Path

from tests.indicators.fixtures import compute

SLOT_HEADER = "snapshot_date,unit_id,professional_group,professional_id,slot_start,slot_kind,status"


def slots(snapshot: str, unit: str, group: str, professional: str, *rows: str) -> list[str]:
    """Lines for one book: each row is 'slot_start kind status'."""
    lines = []
    for row in rows:
        start, kind, status = row.split()
        lines.append(f"{snapshot},{unit},{group},{professional},{start},{kind},{status}")
    return lines


FREE = "nonurgent free"


def extract_lines() -> list[str]:
    lines: list[str] = []
    # d1 at u1: the snapshot day counts; a slot before the snapshot, a booked slot and an
    # urgent slot do not. Counted: 3 Mar, 5 Mar, 10 Mar, 12 Mar → third = 10 Mar → 7 days.
    lines += slots(
        "2025-03-03", "u1", "doctor", "d1",
        f"2025-03-02T09:00:00 {FREE}",
        f"2025-03-03T15:00:00 {FREE}",
        "2025-03-04T09:00:00 nonurgent booked",
        "2025-03-04T10:00:00 urgent free",
        f"2025-03-05T09:00:00 {FREE}",
        f"2025-03-12T09:00:00 {FREE}",
        f"2025-03-10T09:00:00 {FREE}",
    )  # fmt: skip
    # d2 at u1: two free slots only → not measurable.
    lines += slots(
        "2025-03-03",
        "u1",
        "doctor",
        "d2",
        f"2025-03-04T09:00:00 {FREE}",
        f"2025-03-05T09:00:00 {FREE}",
    )
    # Pooled nurse book at u1 (no professional_id): three rows together → third on 6 Mar;
    # the third slot is 2025-03-05T22:30Z = 6 Mar 00:30 local → 3 days.
    lines += slots(
        "2025-03-03", "u1", "nurse", "",
        f"2025-03-04T09:00:00 {FREE}",
        f"2025-03-05T09:00:00 {FREE}",
        f"2025-03-05T22:30:00Z {FREE}",
    )  # fmt: skip
    # d1 also works at u2: a separate book there, with only booked slots → not measurable.
    lines += slots("2025-03-03", "u2", "doctor", "d1", "2025-03-04T09:00:00 nonurgent booked")
    # A second snapshot of d1 at u1 in March: third slot the next days → 2 days.
    lines += slots(
        "2025-03-17", "u1", "doctor", "d1",
        f"2025-03-17T09:00:00 {FREE}",
        f"2025-03-18T09:00:00 {FREE}",
        f"2025-03-19T09:00:00 {FREE}",
    )  # fmt: skip
    # u2 dentist in March: 20 days.
    lines += slots(
        "2025-03-10", "u2", "dentist", "h1",
        f"2025-03-20T09:00:00 {FREE}",
        f"2025-03-25T09:00:00 {FREE}",
        f"2025-03-30T09:00:00 {FREE}",
    )  # fmt: skip
    # April: u1 doctor 1 day.
    lines += slots(
        "2025-04-01", "u1", "doctor", "d1",
        f"2025-04-01T09:00:00 {FREE}",
        f"2025-04-01T10:00:00 {FREE}",
        f"2025-04-02T09:00:00 {FREE}",
    )  # fmt: skip
    return lines


def test_t3_medians_and_not_measurable_books(tmp_path: Path) -> None:
    text = SLOT_HEADER + "\n" + "\n".join(extract_lines()) + "\n"
    result = compute(tmp_path, {"slot_snapshots": text}, role="public")
    # u1 March measurable: d1@3 Mar 7, nurse pool 3, d1@17 Mar 2 → median 3.
    assert result.row("t3_days", "2025-03", "u1").value == 3
    # u1 doctors in March: 7 and 2 → even count: (2 + 7) / 2 = 4.5.
    assert result.row("t3_days_doctor", "2025-03", "u1").value == 4.5
    # u2 March: dentist 20 (the booked-only d1 book is not measurable).
    assert result.row("t3_days", "2025-03", "u2").value == 20
    assert result.get("t3_days_doctor", "2025-03", "u2") is None
    # County March over all values 7, 3, 2, 20 → (3 + 7) / 2 = 5.0, not the median of the
    # unit medians 3 and 20 (11.5).
    assert result.row("t3_days", "2025-03", "").value == 5
    # Year u1: 7, 3, 2 (March) and 1 (April) → (2 + 3) / 2 = 2.5; doctors 7, 2, 1 → 2.
    assert result.row("t3_days", "2025", "u1").value == 2.5
    assert result.row("t3_days_doctor", "2025", "u1").value == 2
    assert result.row("t3_days", "2025-Q1", "u1").value == 3
    assert result.row("t3_days", "2025-Q2", "u1").value == 1
    # Not measurable: u1 d2, u2 d1 → one each; county 2. None in April → no row.
    for unit, count in (("u1", 1), ("u2", 1), ("", 2)):
        row = result.row("t3_not_measurable", "2025-03", unit)
        assert (row.numerator, row.denominator, row.value) == (None, None, count)
    assert result.get("t3_not_measurable", "2025-04", "u1") is None
    # T3 rows describe books, not people: never suppressed even in role public with n < 5.
    t3_rows = [r for r in result.rows if r.indicator_id.startswith("t3_")]
    assert t3_rows and not any(r.suppressed for r in t3_rows)
    assert all(r.numerator is None and r.denominator is None for r in t3_rows)
