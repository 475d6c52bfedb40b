"""The default synthetic county reproduces Kainuu's published figures (seeds 003 and 004).

Generates the default county (72 306 persons, seed 2025), loads it with ``ingest`` and computes
every indicator with ``indicators``; the county-level yearly values must land within the stated
tolerances of the seed figures. The tolerances allow for the sampling noise of one county (for
example NPS over ~4 500 answers a year has a standard error of about 0.6 points) and for the
generator's own simplifications; they are not the place to hide a miscalibration.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tilannekuva.indicators import IndicatorRow, compute_indicators
from tilannekuva.ingest import load_extract
from tilannekuva.synth import DEFAULT_PERSONS, generate_extract

pytestmark = pytest.mark.slow

YEARS = ("2024", "2025")


@dataclass(frozen=True)
class County:
    warehouse: Path
    rows: dict[tuple[str, str], IndicatorRow]  # county scope, keyed by (indicator, period)

    def value(self, indicator: str, period: str) -> float:
        value = self.rows[(indicator, period)].value
        assert value is not None
        return float(value)


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory) -> County:
    folder = tmp_path_factory.mktemp("default-county")
    summary = generate_extract(folder / "extract")
    assert summary.persons == DEFAULT_PERSONS == 72_306
    warehouse = folder / "warehouse.duckdb"
    assert load_extract(summary.out_dir, warehouse).rows_quarantined == 0
    rows = compute_indicators(warehouse)
    return County(warehouse, {(r.indicator_id, r.period): r for r in rows if not r.unit_id})


def test_care_guarantee_7d_2025_is_87_percent(county: County) -> None:
    # seed 003: "Kainuun HVA: 87 % (7/2025)"; tolerance ±2 points
    assert county.value("care_guarantee_7d", "2025") == pytest.approx(87.0, abs=2.0)


def test_remote_share_20plus_2024_is_44_percent(county: County) -> None:
    # seed 003: "Kainuun HVA: 2024 44,2 %"; tolerance ±1.5 points
    assert county.value("remote_contact_share_20plus", "2024") == pytest.approx(44.2, abs=1.5)


@pytest.mark.parametrize("year", YEARS)
def test_feedback_matches_the_sms_pilot(county: County, year: str) -> None:
    # seed 003: 429 answers to 2 180 SMS (20 %), NPS 78, statements mean 4.6
    assert county.value("feedback_response_rate", year) == pytest.approx(20.0, abs=1.5)
    assert county.value("nps", year) == pytest.approx(78.0, abs=3.0)
    for statement in ("s1", "s2", "s3", "s4", "s5"):
        assert county.value(f"statement_mean_{statement}", year) == pytest.approx(4.6, abs=0.1)


@pytest.mark.parametrize("year", YEARS)
def test_recording_faults_match_seed_003(county: County, year: str) -> None:
    # seed 003: orphan assessments 47-80 %; coverage doctors 2 %, dentists 1 % (9/2025)
    assert 47.0 <= county.value("orphan_assessments", year) <= 80.0
    assert county.value("assessment_coverage_doctor", year) == pytest.approx(2.0, abs=0.4)
    assert county.value("assessment_coverage_dentist", year) == pytest.approx(1.0, abs=0.3)


@pytest.mark.parametrize("year", YEARS)
def test_qwl_is_about_58(county: County, year: str) -> None:
    # seed 003: QWL index 58.25 %; ±2 points (the county declines slightly over the two years)
    assert county.value("qwl_index", year) == pytest.approx(58.0, abs=2.0)


@pytest.mark.parametrize("year", YEARS)
def test_t3_for_doctors_is_about_two_weeks(county: County, year: str) -> None:
    assert 10.0 <= county.value("t3_days_doctor", year) <= 18.0


@pytest.mark.parametrize("year", YEARS)
def test_most_office_hour_messages_are_answered_within_an_hour(county: County, year: str) -> None:
    assert 70.0 <= county.value("message_reply_1h", year) <= 90.0


@pytest.mark.parametrize("year", YEARS)
def test_yearly_volumes_of_messages_and_calls(county: County, year: str) -> None:
    # seed 003: 111 958 customer messages in 2024; the phone service takes about 170 000 calls
    # a year. Tolerance ±6 % (2025 is about 4 % busier than 2024).
    con = duckdb.connect(str(county.warehouse), read_only=True)
    row = con.execute(
        "SELECT count(*) FROM messages WHERE year(received_at_local) = ?", [int(year)]
    ).fetchone()
    con.close()
    assert row is not None
    assert row[0] == pytest.approx(110_000, rel=0.06)
    # call_same_day has every call of the year in its denominator
    assert county.rows[("call_same_day", year)].denominator == pytest.approx(170_000, rel=0.06)
