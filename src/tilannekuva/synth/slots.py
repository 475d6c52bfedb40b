"""Weekly appointment-book snapshots per unit, professional group and professional (for T3).

Every Monday each book shows its non-urgent slots (09:00 and 13:00 on office days) from the
snapshot day until a week past its third free slot, plus one urgent slot on the snapshot day.
The third free slot is placed at the book's drawn T3 (calendar days, THL's definition,
indicators-v1 ``t3_days``): around two weeks for doctors, a few days for nurses, longer in oral
care, longer in summer and a little shorter in 2025. About 2 % of the snapshots show a full
book (not measurable), and family-centre nurses share one pooled book without professional id.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tilannekuva.synth.calendar import FIRST_DAY, LAST_DAY, OfficeClock, timestamp_text
from tilannekuva.synth.geography import County, Unit

# (group, residents per professional, id letter, T3 mean days 2024, 2025) per service area
BOOKS = {
    "reception": (("doctor", 3500, "L", 16.0, 12.5), ("nurse", 2500, "H", 5.0, 4.0)),
    "oral": (("dentist", 4000, "HL", 32.0, 28.0), ("oral_hygienist", 5000, "SH", 20.0, 18.0)),
    "mental": (("psychologist", 10000, "P", 18.0, 16.0),),
    "family": (("nurse", 3500, "TH", 6.0, 6.0),),
}
POOLED = {"family"}
SUMMER_FACTOR = 1.3
FULL_BOOK_SHARE = 0.02
LATER_FREE_SHARE = 0.5
MAX_T3 = 120  # days; keeps every book inside the office clock's range
SLOT_SECONDS = np.array([9 * 3600, 13 * 3600])


def snapshot_days() -> np.ndarray:
    first = np.datetime64(FIRST_DAY, "D")
    first = first + np.timedelta64((7 - ((first.astype(np.int64) + 3) % 7)) % 7, "D")
    return np.arange(first, np.datetime64(LAST_DAY, "D") + 1, 7)


def professionals(unit: Unit, residents_per: int) -> int:
    return max(1, round(unit.residents / residents_per))


def book_rows(
    unit: Unit, clock: OfficeClock, rng: np.random.Generator
) -> Iterator[dict[str, pa.Array]]:
    """Snapshot rows of every book of ``unit`` (one dict of columns per professional group)."""
    snaps = snapshot_days()
    summer = np.isin(snaps.astype("datetime64[M]").astype(np.int64) % 12, [5, 6, 7])
    year = (snaps.astype("datetime64[Y]").astype(np.int64) + 1970 - 2024).clip(0, 1)
    day0 = (snaps - clock.first).astype(np.int64)
    for group, residents_per, letter, mean24, mean25 in BOOKS.get(unit.service_area, ()):
        n_books = 1 if unit.service_area in POOLED else professionals(unit, residents_per)
        books = np.repeat(np.arange(n_books), len(snaps))
        snap = np.tile(np.arange(len(snaps)), n_books)
        mean = np.where(year == 0, mean24, mean25)[snap] * np.where(
            summer[snap], SUMMER_FACTOR, 1.0
        )
        t3 = np.minimum(np.round(rng.gamma(4.0, mean / 4.0)).astype(np.int64), MAX_T3)
        r0: np.ndarray = clock.rank_from[day0[snap]]
        r3: np.ndarray = clock.rank_from[day0[snap] + t3]
        r_end: np.ndarray = clock.rank_from[day0[snap] + t3 + 8]
        per_pair = 2 * (r_end - r0)
        pair = np.repeat(np.arange(len(books)), per_pair)
        start_of_pair = np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
        slot_no = np.arange(len(pair)) - start_of_pair
        day = clock.office_days[r0[pair] + slot_no // 2]
        slot_start = day.astype("datetime64[s]") + SLOT_SECONDS[slot_no % 2].astype(
            "timedelta64[s]"
        )
        j3: np.ndarray = 2 * (r3 - r0)
        early = np.floor(rng.random((len(books), 2)) * np.maximum(j3, 1)[:, None]).astype(np.int64)
        j = j3[pair]
        free = (slot_no == j) | (slot_no == early[pair, 0]) | (slot_no == early[pair, 1])
        free |= (j < 2) & (slot_no > j) & (slot_no <= j + 2)
        free |= (slot_no > j) & (rng.random(len(pair)) < LATER_FREE_SHARE)
        free &= ~(rng.random(len(books)) < FULL_BOOK_SHARE)[pair]
        urgent_start = snaps[snap].astype("datetime64[s]") + np.timedelta64(11 * 3600, "s")
        urgent_free = rng.random(len(books)) < 0.3
        prof_ids = pa.array(
            [f"{unit.unit_id}-{letter}{k + 1:02d}" for k in range(n_books)], pa.string()
        )
        pid = pc.take(prof_ids, pa.array(np.concatenate([books[pair], books])))
        if unit.service_area in POOLED:
            pid = pa.nulls(len(pid), pa.string())
        total = len(pair) + len(books)
        yield {
            "snapshot_date": pa.array(
                np.concatenate([snaps[snap][pair], snaps[snap]]), pa.date32()
            ),
            "unit_id": pa.array(np.full(total, unit.unit_id), pa.string()),
            "professional_group": pa.array(np.full(total, group), pa.string()),
            "professional_id": pid,
            "slot_start": timestamp_text(np.concatenate([slot_start, urgent_start])),
            "slot_kind": pa.array(
                np.concatenate([np.full(len(pair), "nonurgent"), np.full(len(books), "urgent")])
            ),
            "status": pa.array(np.where(np.concatenate([free, urgent_free]), "free", "booked")),
        }


def slot_snapshots(
    county: County, clock: OfficeClock, rng: np.random.Generator
) -> Iterator[dict[str, pa.Array]]:
    for unit in county.units:
        yield from book_rows(unit, clock, rng)
