"""A small synthetic county, generated and loaded once per test session (shared fixtures).

3 000 residents, seed 7: big enough that every indicator has rows and most county cells are
above the suppression limit, small enough to build in a few seconds. Registered for every test
module through ``pytest_plugins`` in ``tests/conftest.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tilannekuva.ingest import load_extract
from tilannekuva.synth import generate_extract

COUNTY_PERSONS = 3000
COUNTY_SEED = 7
COUNTY_PSEUDONYM_KEY = "web-tests"


@pytest.fixture(scope="session")
def county_extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("web-county") / "extract"
    generate_extract(out, persons=COUNTY_PERSONS, seed=COUNTY_SEED, workers=1)
    return out


@pytest.fixture(scope="session")
def county_warehouse(county_extract: Path) -> Path:
    warehouse = county_extract.parent / "warehouse.duckdb"
    load_extract(county_extract, warehouse, pseudonym_key=COUNTY_PSEUDONYM_KEY)
    return warehouse
