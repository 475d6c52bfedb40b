"""qwl_index: a respondent-weighted mean; rows with 0 respondents add nothing."""

from __future__ import annotations

from pathlib import Path

from tests.indicators.fixtures import compute

SURVEY = """\
unit_id,period,respondents,qwl_index
u1,2025-01,10,70
u1,2025-02,30,80.5
u2,2025-01,0,50
u3,2025-03,3,60
"""


def test_qwl_weighted_by_respondents(tmp_path: Path) -> None:
    result = compute(tmp_path, {"staff_survey": SURVEY})
    # u1 Q1: (10 × 70 + 30 × 80.5) / 40 = (700 + 2415) / 40 = 77.875
    row = result.row("qwl_index", "2025-Q1", "u1")
    assert (row.numerator, row.denominator, row.value) == (3115.0, 40, 77.875)
    # u2 has only a row with 0 respondents: no rows at all.
    assert result.get("qwl_index", "2025-01", "u2") is None
    # County January: only u1 counts: 700 / 10.
    assert result.row("qwl_index", "2025-01", "").value == 70.0
    # County Q1: (700 + 2415 + 180) / 43
    assert result.row("qwl_index", "2025-Q1", "").value == 3295.0 / 43


def test_qwl_is_suppressed_below_five_respondents_in_public(tmp_path: Path) -> None:
    result = compute(tmp_path, {"staff_survey": SURVEY}, role="public")
    row = result.row("qwl_index", "2025-03", "u3")
    assert (row.numerator, row.denominator, row.value, row.suppressed) == (None, None, None, True)
    assert result.row("qwl_index", "2025-01", "u1").suppressed is False
