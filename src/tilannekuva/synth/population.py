"""Persons of the synthetic county, generated chunk by chunk, and ``population.csv``.

Every person is drawn from one population cell (municipality × age × sex, ``geography``), so
the persons of the whole county reproduce the cells exactly. A seeded permutation spreads the
cells over the chunks, making each chunk a small random sample of the county. The cell's age is
the person's age on 31.12.2024, the middle of the contact window: the 2019 structure is used as
the structure of the study years (a documented simplification). Some sources truncate birth
dates to the first of the month; about 8 % of persons carry such a date. A person's frailty (a
gamma multiplier, mean 1) makes a few persons heavy users, as in real primary care.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tilannekuva.synth.geography import County
from tilannekuva.synth.ids import person_ids

REFERENCE_DAY = np.datetime64("2024-12-31", "D")
POPULATION_YEAR = 2019
TRUNCATED_BIRTH_DATE_SHARE = 0.08
UNKNOWN_SEX_SHARE = 0.001


@dataclass(frozen=True)
class Persons:
    """One chunk of persons; arrays are aligned by position."""

    index: np.ndarray  # global person index
    ids: pa.Array
    age: np.ndarray  # age on REFERENCE_DAY
    sex: np.ndarray
    municipality: np.ndarray
    birth_date: np.ndarray  # datetime64[D]
    station: np.ndarray  # station index
    emergency: np.ndarray  # index into County.emergency_units
    frailty: np.ndarray

    def __len__(self) -> int:
        return len(self.index)


class PersonSource:
    """The seeded permutation that assigns every global person index to a population cell."""

    def __init__(self, county: County, seed: int) -> None:
        total = int(county.cells.count.sum())
        order = np.random.default_rng([seed, 0]).permutation(total)
        self.slot = order.astype(np.int32 if total < 2**31 else np.int64)

    def slots(self, first: int, last: int) -> np.ndarray:
        """Cell slots of persons ``first`` … ``last - 1`` (a small copy a worker can take)."""
        return self.slot[first:last].copy()


def draw_persons(
    county: County, first: int, slots: np.ndarray, rng: np.random.Generator
) -> Persons:
    """The persons of one chunk: cells from ``slots``, the other attributes from ``rng``."""
    n = len(slots)
    index = np.arange(first, first + n, dtype=np.int64)
    cells = county.cells
    cell = np.searchsorted(np.cumsum(cells.count), slots, side="right")
    age = cells.age[cell].astype(np.int64)
    age = np.where(age == 100, 100 + rng.geometric(0.55, n) - 1, age)
    municipality = cells.municipality[cell]
    sex = np.where(rng.random(n) < UNKNOWN_SEX_SHARE, "9", cells.sex[cell])
    days_after_birthday = rng.integers(0, 365, n)
    # the last day of the year 2024 - age, less 0-364 days: exactly `age` on REFERENCE_DAY
    next_year = np.datetime64("2025", "Y") - age.astype("timedelta64[Y]")
    birth = next_year.astype("datetime64[D]") - (1 + days_after_birthday).astype("timedelta64[D]")
    truncated = rng.random(n) < TRUNCATED_BIRTH_DATE_SHARE
    birth = np.where(truncated, birth.astype("datetime64[M]").astype("datetime64[D]"), birth)
    return Persons(
        index=index,
        ids=person_ids(index),
        age=age,
        sex=sex,
        municipality=municipality,
        birth_date=birth,
        station=_stations(county, municipality, rng),
        emergency=rng.integers(0, len(county.emergency_units), n),
        frailty=rng.gamma(1.6, 1 / 1.6, n),
    )


def _stations(county: County, municipality: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    codes = np.array([s.municipality_code for s in county.stations])
    weights = np.array([s.residents for s in county.stations], dtype=np.float64)
    station = np.zeros(len(municipality), dtype=np.int64)
    for code in np.unique(municipality):
        candidates = np.flatnonzero(codes == code)
        rows = np.flatnonzero(municipality == code)
        p = weights[candidates] / weights[candidates].sum()
        station[rows] = rng.choice(candidates, size=len(rows), p=p)
    return station


def persons_table(persons: Persons) -> dict[str, pa.Array]:
    return {
        "person_id": persons.ids,
        "birth_date": pa.array(persons.birth_date, pa.date32()),
        "sex": pa.array(persons.sex, pa.string()),
        "municipality_code": pa.array(persons.municipality, pa.string()),
    }


def population_table(county: County) -> dict[str, pa.Array]:
    """``population.csv``: the allocated cells (the real 2019 counts for the default county)."""
    cells = county.cells
    return {
        "municipality_code": pa.array(cells.municipality, pa.string()),
        "year": pa.array(np.full(len(cells.age), POPULATION_YEAR), pa.int64()),
        "age": pa.array(cells.age.astype(np.int64), pa.int64()),
        "sex": pa.array(cells.sex, pa.string()),
        "count": pa.array(cells.count, pa.int64()),
    }
