"""The demo scorecard's rules: which periods are complete, which target is in force, status.

These are the rules a steering group reads the scorecard by, so each is pinned with
hand-computed cases (catalogue targets from indicators-v1: care_guarantee_7d 66 % by 2024-Q2
and 80 % by 2025-Q4; remote_contact_share_20plus 35 % with no deadline).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from tilannekuva.cli.demo_cmd import format_value, status_text
from tilannekuva.indicators.catalogue import INDICATORS_BY_ID, Target, Unit
from tilannekuva.indicators.rows import IndicatorRow
from tilannekuva.indicators.scorecard import (
    KEY_INDICATORS,
    NO_DATA,
    NO_TARGET,
    TARGET_MET,
    judge,
    latest_complete,
    score_lines,
    target_in_force,
)

PERIODS = ["2024", "2024-Q4", "2025", "2025-Q3", "2025-Q4", "2025-12"]


def county_row(indicator_id: str, period: str, value: float | None) -> IndicatorRow:
    return IndicatorRow(indicator_id, period, "", 1, 1, value, False, False)


def test_a_period_is_complete_when_its_last_day_is_before_the_cutoff_date() -> None:
    # cutoff 2026-01-05: 2025-Q4 ended 2025-12-31, before it; so did the year 2025
    assert latest_complete(PERIODS, date(2026, 1, 5), quarter=True) == "2025-Q4"
    assert latest_complete(PERIODS, date(2026, 1, 5), quarter=False) == "2025"
    # cutoff on 2025-12-31 itself: that day is not over, so Q4 and 2025 are not complete
    assert latest_complete(PERIODS, date(2025, 12, 31), quarter=True) == "2025-Q3"
    assert latest_complete(PERIODS, date(2025, 12, 31), quarter=False) == "2024"


def test_without_a_cutoff_the_latest_period_present_counts() -> None:
    assert latest_complete(PERIODS, None, quarter=True) == "2025-Q4"
    assert latest_complete(["2025-03"], None, quarter=False) is None  # months are neither


def test_the_interim_target_applies_until_its_deadline() -> None:
    care = INDICATORS_BY_ID["care_guarantee_7d"]
    assert target_in_force(care, "2024-Q1") == Target(66.0, "2024-Q2", "interim")
    assert target_in_force(care, "2024-Q2") == Target(66.0, "2024-Q2", "interim")
    assert target_in_force(care, "2024-Q3") == Target(80.0, "2025-Q4")
    # a year ends 2024-12-31, after the interim deadline 2024-06-30
    assert target_in_force(care, "2024") == Target(80.0, "2025-Q4")
    # past every deadline the last target still stands
    assert target_in_force(care, "2026-Q1") == Target(80.0, "2025-Q4")


def test_a_target_without_deadline_always_applies() -> None:
    remote = INDICATORS_BY_ID["remote_contact_share_20plus"]
    target = target_in_force(remote, "2019-Q1")
    assert target is not None and target.value == 35.0
    assert target_in_force(INDICATORS_BY_ID["nps"], "2025-Q1") is None


def test_status_follows_the_direction_of_the_indicator() -> None:
    care = INDICATORS_BY_ID["care_guarantee_7d"]  # higher is better
    eighty = Target(80.0, "2025-Q4")
    assert judge(care, eighty, county_row(care.id, "2025-Q4", 80.0)) == TARGET_MET
    assert judge(care, eighty, county_row(care.id, "2025-Q4", 79.9)) == "below target"
    t3 = replace(INDICATORS_BY_ID["t3_days"], targets=(Target(10.0),))  # lower is better
    assert judge(t3, Target(10.0), county_row(t3.id, "2025-Q4", 10)) == TARGET_MET
    assert judge(t3, Target(10.0), county_row(t3.id, "2025-Q4", 11)) == "above target"
    assert judge(care, None, county_row(care.id, "2025-Q4", 50.0)) == NO_TARGET
    assert judge(care, eighty, None) == NO_DATA


def test_score_lines_judge_the_latest_complete_quarter() -> None:
    rows = [
        county_row("care_guarantee_7d", "2025-Q3", 90.0),
        county_row("care_guarantee_7d", "2025-Q4", 70.0),
        county_row("care_guarantee_7d", "2025", 85.0),
        IndicatorRow("care_guarantee_7d", "2025-Q4", "u1", 1, 1, 99.0, False, False),
    ]
    quarter, year, lines = score_lines(rows, date(2026, 1, 5))
    assert (quarter, year) == ("2025-Q4", "2025")
    assert [line.indicator.id for line in lines] == list(KEY_INDICATORS)
    care = lines[0]
    assert care.quarter is not None and care.quarter.value == 70.0  # county, not unit u1
    assert care.year is not None and care.year.value == 85.0
    assert care.status == "below target"  # 70 < 80, the target in force for 2025-Q4
    assert lines[-1].status == NO_TARGET  # qwl_index has no target


def test_a_missing_quarter_is_judged_on_the_year_and_says_so() -> None:
    rows = [
        county_row("remote_contact_share_20plus", "2025", 40.0),
        county_row("care_guarantee_7d", "2025-Q4", 81.0),
    ]
    _, year, lines = score_lines(rows, date(2026, 1, 5))
    remote = next(line for line in lines if line.indicator.id == "remote_contact_share_20plus")
    assert remote.status == TARGET_MET  # 40 % ≥ 35 %
    assert remote.judged == "2025"
    assert status_text(remote, year) == "target met (year)"


@pytest.mark.parametrize(
    ("unit", "value", "text"),
    [
        (Unit.PERCENT, 73.68421, "73.7 %"),
        (Unit.NPS, 50.0, "+50"),
        (Unit.NPS, -12.4, "-12"),
        (Unit.DAYS, 11, "11 days"),
        (Unit.DAYS, 10.5, "10.5 days"),
        (Unit.INDEX, 57.04, "57.0"),
        (Unit.COUNT, 1234, "1234"),
    ],
)
def test_values_are_shown_in_their_unit(unit: Unit, value: float, text: str) -> None:
    assert format_value(unit, value) == text
