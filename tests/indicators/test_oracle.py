"""The engine agrees row by row with an independent plain-Python reading of the spec."""

from __future__ import annotations

from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import HealthCheck, given, settings

from tests.indicators.fixtures import compute
from tests.indicators.oracle import expected_rows
from tests.indicators.random_extracts import CUTOFF_LOCAL, Tables, extracts, render


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extracts())
def test_engine_matches_the_oracle(tables: Tables) -> None:
    with TemporaryDirectory() as scratch:
        result = compute(Path(scratch), render(tables), cutoff=CUTOFF_LOCAL.isoformat())
    assert result.quarantined == 0
    got = {
        (r.indicator_id, r.period, r.unit_id): (r.numerator, r.denominator, r.value)
        for r in result.rows
    }
    want = expected_rows(tables)
    assert set(got) == set(want), set(got) ^ set(want)
    for key, (numerator, denominator, value) in want.items():
        assert got[key][:2] == (numerator, denominator), key
        assert got[key][2] == pytest.approx(value, rel=1e-15, abs=0), key
