"""The synthetic county's geography: its municipalities, residents and organisation units.

The county is Kainuu: its eight municipalities with their Statistics Finland codes and their
real 31.12.2019 population by age and sex (``data/kainuu_population_2019.csv``, derived from
StatFin table 11re, CC BY 4.0). A county of another size keeps the same eight municipalities
and the same age/sex structure: every (municipality, age, sex) cell gets its share of the
requested number of persons by largest remainders, so the default county is exactly the real
one and a 5.5-million county is Kainuu's structure scaled up (the municipalities grow, they are
not replicated). Health stations are sized like Kainuu's (about 20 000 residents each), so a
larger county has more stations and units rather than giant ones.

Each health station is a parent unit with four service units (extract-v1 ``units``):
reception (vastaanotto), oral care, mental-health and substance-abuse services, and the family
centre (neuvola); one joint emergency department (päivystys) serves every 150 000 residents.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from importlib import resources

import numpy as np

KAINUU_POPULATION = 72_306
STATION_RESIDENTS = 20_000
EMERGENCY_RESIDENTS = 150_000
ROOT_UNIT = "KAINUU"
AREA_SUFFIX = {"reception": "VO", "oral": "SUU", "mental": "MT", "family": "NEU"}
AREA_NAME_FI = {
    "reception": "vastaanotto",
    "oral": "suun terveydenhuolto",
    "mental": "mielenterveys- ja päihdepalvelut",
    "family": "neuvola ja perhekeskus",
}
SERVICE_AREAS = tuple(AREA_SUFFIX)
# Finnish genitive of each municipality for unit names ("Sotkamon terveysasema").
GENITIVE = {
    "105": "Hyrynsalmen",
    "205": "Kajaanin",
    "290": "Kuhmon",
    "578": "Paltamon",
    "620": "Puolangan",
    "697": "Ristijärven",
    "765": "Sotkamon",
    "777": "Suomussalmen",
}
SEAT_CODE = "205"  # Kajaani hosts the county's joint services


@dataclass(frozen=True)
class Cells:
    """Population cells: one entry per municipality × age × sex with its allocated count."""

    municipality: np.ndarray  # str codes
    age: np.ndarray
    sex: np.ndarray  # "1"/"2"
    count: np.ndarray


@dataclass(frozen=True)
class Unit:
    unit_id: str
    name: str
    municipality_code: str
    service_area: str
    parent_id: str | None
    residents: int  # people the unit serves (sizes staff and appointment books)


@dataclass(frozen=True)
class Station:
    """A health station: its municipality, residents and its service unit per area."""

    index: int
    municipality_code: str
    residents: int
    units: dict[str, str]


@dataclass(frozen=True)
class County:
    cells: Cells
    units: tuple[Unit, ...]
    stations: tuple[Station, ...]
    emergency_units: tuple[str, ...]

    def stations_of(self, municipality_code: str) -> list[Station]:
        return [s for s in self.stations if s.municipality_code == municipality_code]


def kainuu_cells() -> Cells:
    """The shipped 2019 table as arrays, in file order."""
    text = (
        resources.files("tilannekuva.synth")
        .joinpath("data/kainuu_population_2019.csv")
        .read_text("utf-8")
    )
    rows = list(csv.DictReader(text.splitlines()))
    return Cells(
        municipality=np.array([r["municipality_code"] for r in rows]),
        age=np.array([int(r["age"]) for r in rows], dtype=np.int16),
        sex=np.array([r["sex"] for r in rows]),
        count=np.array([int(r["count"]) for r in rows], dtype=np.int64),
    )


def allocate(counts: np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` over cells in proportion to ``counts`` by largest remainders."""
    exact = counts * (total / counts.sum())
    base = np.floor(exact).astype(np.int64)
    short = total - int(base.sum())
    order = np.lexsort((np.arange(len(counts)), -(exact - base)))
    base[order[:short]] += 1
    return base


def build_county(persons: int) -> County:
    """Cells scaled to ``persons`` and the unit tree sized to the residents."""
    real = kainuu_cells()
    cells = Cells(real.municipality, real.age, real.sex, allocate(real.count, persons))
    units: list[Unit] = [
        Unit(ROOT_UNIT, "Kainuun hyvinvointialue", SEAT_CODE, "other", None, persons)
    ]
    emergency = []
    for k in range(1, max(1, math.ceil(persons / EMERGENCY_RESIDENTS)) + 1):
        unit_id = f"{SEAT_CODE}-PAIV{k}"
        emergency.append(unit_id)
        units.append(
            Unit(
                unit_id, f"Kainuun yhteispäivystys {k}", SEAT_CODE, "emergency", ROOT_UNIT, persons
            )
        )
    stations: list[Station] = []
    for code in sorted(GENITIVE):
        residents = int(cells.count[cells.municipality == code].sum())
        n = max(1, round(residents / STATION_RESIDENTS))
        shares = allocate(np.ones(n, dtype=np.int64), residents)
        for k in range(1, n + 1):
            station_id = f"{code}-TA{k}"
            label = f"{GENITIVE[code]} terveysasema" + (f" {k}" if n > 1 else "")
            units.append(Unit(station_id, label, code, "other", ROOT_UNIT, int(shares[k - 1])))
            area_units = {}
            for area, suffix in AREA_SUFFIX.items():
                unit_id = f"{station_id}-{suffix}"
                area_units[area] = unit_id
                name = f"{label}, {AREA_NAME_FI[area]}"
                units.append(Unit(unit_id, name, code, area, station_id, int(shares[k - 1])))
            stations.append(Station(len(stations), code, int(shares[k - 1]), area_units))
    return County(cells, tuple(units), tuple(stations), tuple(emergency))
