"""t3_days, t3_days_doctor, t3_not_measurable: the third next available appointment.

Ibis computes one row per snapshot × book with its T3 (NULL when not measurable); medians are
taken in Python by ``periods`` because a median is not additive (THL T3, domain.md §6).

Decisions (indicators-v1 and its binding clarifications):
- a book is (unit_id, professional_group, professional_id) at one snapshot date; rows without
  ``professional_id`` form one pooled book per snapshot × unit × group (SQL GROUP BY puts all
  NULLs in one group); the same professional in two units is two books;
- a book exists at a snapshot when it has any row there, even only booked slots;
- a slot counts when ``status = free``, ``slot_kind = nonurgent`` (exact text) and the local
  date of ``slot_start`` is on or after ``snapshot_date``; slots are ordered by instant;
- T3 = local date of the third counted slot − snapshot_date, in calendar days; fewer than
  three counted slots: not measurable;
- anchor: ``snapshot_date`` itself (already a local date).
"""

from __future__ import annotations

import ibis

from tilannekuva.indicators.context import Context, local_date
from tilannekuva.indicators.rows import MonthValues

_BOOK = ["snapshot_date", "unit_id", "professional_group", "professional_id"]
THIRD = 3


def book_values(ctx: Context) -> list[dict[str, object]]:
    """One dict per snapshot × book: the book's keys and ``t3`` (None = not measurable)."""
    slots = ctx.table("slot_snapshots")
    slot_date = local_date(slots.slot_start_local)
    counted = slots.filter(
        (slots.status == "free")
        & (slots.slot_kind == "nonurgent")
        & (slot_date >= slots.snapshot_date)
    ).mutate(_slot_date=slot_date)
    ranked = counted.mutate(
        _rank=ibis.row_number().over(group_by=_BOOK, order_by=[counted.slot_start])
    )
    third = ranked.filter(ranked._rank == THIRD - 1).select(
        *_BOOK, t3=ranked._slot_date.delta(ranked.snapshot_date, unit="day")
    )
    books = slots.select(*_BOOK).distinct()
    # NULL professional_id must match NULL: the pooled book joins to its own third slot.
    joined = books.left_join(
        third,
        [
            books.snapshot_date == third.snapshot_date,
            books.unit_id == third.unit_id,
            books.professional_group == third.professional_group,
            books.professional_id.identical_to(third.professional_id),
        ],
    ).select(
        snapshot_date=books.snapshot_date,
        unit_id=books.unit_id,
        professional_group=books.professional_group,
        t3=third.t3,
    )
    return joined.to_pyarrow().to_pylist()


def monthly(ctx: Context) -> list[MonthValues]:
    """Per snapshot month × unit: T3 values (all groups, doctors) and not-measurable counts.

    ``t3_not_measurable`` is carried as a list of ones so that its roll-up is a plain count.
    """
    cells: dict[tuple[str, int, int, str], list[int]] = {}
    for book in book_values(ctx):
        day = book["snapshot_date"]
        year, month, unit = day.year, day.month, str(book["unit_id"])  # type: ignore[attr-defined]
        t3 = book["t3"]
        if t3 is None:
            cells.setdefault(("t3_not_measurable", year, month, unit), []).append(1)
            continue
        cells.setdefault(("t3_days", year, month, unit), []).append(int(t3))  # type: ignore[call-overload]
        if book["professional_group"] == "doctor":
            cells.setdefault(("t3_days_doctor", year, month, unit), []).append(int(t3))  # type: ignore[call-overload]
    return [
        MonthValues(indicator_id, year, month, unit, tuple(values))
        for (indicator_id, year, month, unit), values in cells.items()
    ]
