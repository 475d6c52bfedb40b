"""The Ibis engine and the independent pandas baseline give the same rows (indicators-v1).

As in Ibis' own backend suite, the expected values come from an independent computation on
the same data: a synthetic county of 2 000 persons on several seeds, plus the hand-made edge
extract, in both roles. Rows must match one to one; numbers within 1e-9 relative.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.pandas_baseline import compute_with_pandas

from tests.differential.compare import disagreements, engine_frame, order_problems
from tests.differential.edge_extract import write_edge_extract, write_partial_extract
from tests.extract_files import MINIMAL, write_extract
from tilannekuva.indicators import compute_indicators
from tilannekuva.indicators.catalogue import INDICATORS
from tilannekuva.ingest import load_extract
from tilannekuva.synth import generate_extract

ROLES = ("analyst", "public")
SEEDS = (2025, 7, 314)
PERSONS = 2000


def _loaded(folder: Path, extract: Path) -> Path:
    warehouse = folder / "warehouse.duckdb"
    load_extract(extract, warehouse)
    return warehouse


@pytest.fixture(scope="module", params=SEEDS, ids=lambda seed: f"seed{seed}")
def synthetic_warehouse(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp(f"synth{request.param}")
    generate_extract(folder / "extract", persons=PERSONS, seed=request.param)
    return _loaded(folder, folder / "extract")


def _write_minimal(folder: Path) -> Path:
    # Only the three required files: every optional source is missing, so the indicators
    # that need one must have no rows at all (indicators-v1, Clarifications).
    return write_extract(folder, MINIMAL)


HAND_MADE = {
    "edge": write_edge_extract,
    "minimal": _write_minimal,
    "partial": write_partial_extract,
}


@pytest.fixture(scope="module", params=sorted(HAND_MADE))
def hand_made_warehouse(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    folder = tmp_path_factory.mktemp(request.param)
    return _loaded(folder, HAND_MADE[request.param](folder / "extract"))


def _assert_same(warehouse: Path, role: str) -> None:
    engine = engine_frame(compute_indicators(warehouse, role=role))
    baseline = compute_with_pandas(warehouse, role=role)
    problems = order_problems(engine) + disagreements(engine, baseline)
    shown = "\n".join(problems[:40])
    assert not problems, f"{len(problems)} disagreements ({role}):\n{shown}"


@pytest.mark.parametrize("role", ROLES)
def test_synthetic_county_matches(synthetic_warehouse: Path, role: str) -> None:
    _assert_same(synthetic_warehouse, role)


@pytest.mark.parametrize("role", ROLES)
def test_hand_made_extract_matches(hand_made_warehouse: Path, role: str) -> None:
    _assert_same(hand_made_warehouse, role)


def test_synthetic_county_covers_every_indicator(synthetic_warehouse: Path) -> None:
    # A comparison is only as good as its data: the synthetic county must produce rows for
    # every indicator, otherwise a family would be compared on nothing.
    baseline = compute_with_pandas(synthetic_warehouse)
    # the catalogue holds exactly the spec's ids (tests/indicators/test_docs.py pins that)
    expected = {indicator.id for indicator in INDICATORS}
    assert expected <= set(baseline["indicator_id"])
