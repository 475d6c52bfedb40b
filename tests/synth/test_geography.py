"""The county's municipalities, population cells and unit tree."""

from __future__ import annotations

import numpy as np

from tilannekuva.synth.geography import ROOT_UNIT, allocate, build_county, kainuu_cells
from tilannekuva.synth.population import population_table


def test_default_county_is_kainuu_2019() -> None:
    county = build_county(72_306)
    cells = county.cells
    totals = {
        code: int(cells.count[cells.municipality == code].sum())
        for code in np.unique(cells.municipality)
    }
    # Statistics Finland 11re, 31.12.2019 (domain.md §10.1)
    assert totals == {
        "105": 2271,
        "205": 36709,
        "290": 8190,
        "578": 3273,
        "620": 2528,
        "697": 1272,
        "765": 10336,
        "777": 7727,
    }
    assert (cells.count == kainuu_cells().count).all()
    aged_20_plus = int(cells.count[cells.age >= 20].sum())
    assert aged_20_plus == 58_570


def test_largest_remainders_split_exactly() -> None:
    # 10 persons over cells 1:1:2 -> exact 2.5, 2.5, 5 -> floors 2, 2, 5 and one left over,
    # which goes to the first of the tied remainders
    assert allocate(np.array([1, 1, 2]), 10).tolist() == [3, 2, 5]
    assert allocate(np.array([5, 0, 5]), 3).tolist() == [2, 0, 1]


def test_a_bigger_county_keeps_the_structure_and_gets_more_stations() -> None:
    county = build_county(1_000_000)
    assert int(county.cells.count.sum()) == 1_000_000
    kajaani = county.stations_of("205")
    # Kajaani: 36 709 / 72 306 of a million = 507 689 residents, ~20 000 per station -> 25
    assert len(kajaani) == 25
    assert len(county.emergency_units) == 7  # one per 150 000 residents, rounded up


def test_units_form_one_tree_with_four_services_per_station() -> None:
    county = build_county(72_306)
    ids = {u.unit_id for u in county.units}
    assert all(u.parent_id is None or u.parent_id in ids for u in county.units)
    assert [u.unit_id for u in county.units if u.parent_id is None] == [ROOT_UNIT]
    sotkamo = county.stations_of("765")
    assert len(sotkamo) == 1
    names = {u.unit_id: u.name for u in county.units}
    assert names[sotkamo[0].units["reception"]] == "Sotkamon terveysasema, vastaanotto"
    assert len(county.stations_of("205")) == 2  # 36 709 residents


def test_population_rows_are_the_cells() -> None:
    table = population_table(build_county(72_306))
    assert sum(table["count"].to_pylist()) == 72_306
    assert set(table["year"].to_pylist()) == {2019}
    assert max(table["age"].to_pylist()) == 100
