"""Small synthetic counties shared by the synth tests (generated once per test session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tilannekuva.synth import SynthSummary, generate_extract

SMALL_PERSONS = 2000
SMALL_SEED = 7


@pytest.fixture(scope="session")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return generate_extract(tmp_path_factory.mktemp("csv"), persons=SMALL_PERSONS, seed=SMALL_SEED)


@pytest.fixture(scope="session")
def small_parquet(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return generate_extract(
        tmp_path_factory.mktemp("parquet"), persons=SMALL_PERSONS, seed=SMALL_SEED, fmt="parquet"
    )


def extract_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
