"""T3, the third next available non-urgent appointment (indicators-v1 section t3_days).

A book is snapshot × unit × professional group × ``professional_id``; rows without a
``professional_id`` pool into one book. A book exists when it has any row at the snapshot;
it is measurable when it has at least three free non-urgent slots on or after the snapshot
date.
"""

from __future__ import annotations

import pandas as pd

from benchmarks.baseline.aggregate import count_rows, events, median_rows
from benchmarks.baseline.calendar import local_date
from benchmarks.baseline.tables import Tables

BOOK = ["snapshot_date", "unit_id", "professional_group", "professional_id"]


def book_t3(t: Tables) -> pd.DataFrame:
    """One row per snapshot × book with ``days`` (NaN when not measurable)."""
    slots = t["slot_snapshots"]
    books = slots[BOOK].drop_duplicates()
    slot_date = local_date(slots["slot_start_local"])
    bookable = slots[
        (slots["status"] == "free")
        & (slots["slot_kind"] == "nonurgent")
        & (slot_date >= slots["snapshot_date"])
    ].assign(slot_date=slot_date)
    bookable = bookable.sort_values([*BOOK, "slot_start"])
    rank = bookable.groupby(BOOK, dropna=False).cumcount()
    third = bookable[rank == 2][[*BOOK, "slot_date"]]
    books = books.merge(third, on=BOOK, how="left")
    books["days"] = (books["slot_date"] - books["snapshot_date"]).dt.days
    return books


def t3_rows(t: Tables) -> list[pd.DataFrame]:
    """t3_days (all groups), t3_days_doctor and t3_not_measurable (count, rows when ≥ 1)."""
    books = book_t3(t)
    measurable = books[books["days"].notna()]
    doctors = measurable[measurable["professional_group"] == "doctor"]
    unmeasurable = books[books["days"].isna()]
    return [
        median_rows(
            "t3_days",
            events(measurable["snapshot_date"], measurable["unit_id"], days=measurable["days"]),
        ),
        median_rows(
            "t3_days_doctor",
            events(doctors["snapshot_date"], doctors["unit_id"], days=doctors["days"]),
        ),
        count_rows(
            "t3_not_measurable", events(unmeasurable["snapshot_date"], unmeasurable["unit_id"])
        ),
    ]
