"""The pandas baseline on the hand-made edge extract, against numbers worked out by hand.

The baseline is the reference the engine is compared with, so it is itself checked here on
every edge case of indicators-v1 (see ``edge_extract.py`` for what each row is for).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from benchmarks.pandas_baseline import compute_with_pandas

from tests.differential.edge_extract import write_edge_extract, write_partial_extract
from tests.extract_files import MINIMAL, write_extract
from tilannekuva.indicators.rows import OUTPUT_COLUMNS
from tilannekuva.ingest import load_extract

NAN = math.nan

# (indicator, period, unit) -> (numerator, denominator, value)
EXPECTED: dict[tuple[str, str, str], tuple[float, float, float]] = {
    # a1: c1 on day 7 (within); a2: tie c10 < c9 as strings, so u3 with wait 10; a3: first
    # event c5 has wait -1 and leaves both indicators, c6 does not replace it.
    ("care_guarantee_7d", "2024-12", ""): (1, 2, 50.0),
    ("care_guarantee_7d", "2024-12", "u3"): (0, 1, 0.0),
    # legal 2025: a4 oral, p2 aged 22 -> 3 months, 28 Feb + 3 = 28 May >= 20 Mar (in);
    # a5 reception, p2 aged 23 on 1 Mar -> 3 months (in; 14 days would be out);
    # a6 local date 1 Nov 2024 -> oral 3 months -> 1 Feb < 15 Feb (out);
    # a11: c16 is on a care plan, so c17 (reception, aged 74 -> 3 months) is first (in).
    ("care_guarantee_legal", "2025", ""): (3, 4, 75.0),
    ("care_guarantee_legal", "2025-02", "u2"): (0, 1, 0.0),
    # a2's first event is at u3 (mental): no legal row for it, c9 does not take its place.
    ("care_guarantee_legal", "2024-12", ""): (1, 1, 100.0),
    # Jan u1 eligible visits: c12 (R50 linked), c14 (broken link), c17 (linked) -> 2/3.
    ("assessment_coverage", "2025-01", "u1"): (2, 3, 200 / 3),
    ("assessment_coverage_doctor", "2025-01", "u1"): (1, 2, 50.0),
    # Jan u1 nonurgent_care: a8 (no contact), a9 (urgent contact: not orphan), a10 (only a
    # broken link: orphan), a11 -> 2/4.
    ("orphan_assessments", "2025-01", "u1"): (2, 4, 50.0),
    # Jan u1 customer contacts aged 20+: c13 c14 c15 c16 c17 c19 (c12 at 19) -> remote c15 c19.
    ("remote_contact_share_20plus", "2025-01", "u1"): (2, 6, 100 / 3),
    ("contacts_total", "2025-01", "u1"): (NAN, NAN, 7.0),
    ("contacts_remote", "2025-01", "u1"): (NAN, NAN, 3.0),
    ("contacts_in_person", "2025-01", "u1"): (NAN, NAN, 4.0),
    # nps 10 and 6: (1 - 1) / 2.
    ("nps", "2024-12", "u1"): (0, 2, 0.0),
    ("nps_promoters_pct", "2024-12", ""): (1, 2, 50.0),
    ("feedback_response_rate", "2024-12", "u3"): (1, 1, 100.0),
    ("feedback_response_rate", "2025-03", "u2"): (0, 1, 0.0),
    # s1 answers 5, 3, 2.
    ("statement_mean_s1", "2024-12", ""): (10, 3, 10 / 3),
    # m1 (30 + 30 min, exactly 60), m2 (60 min 1 s), m10 (unanswered), m11 (08:30 local) -> 2/4.
    ("message_reply_1h", "2025-01", "u1"): (2, 4, 50.0),
    # Fractions of a second dropped: m12 15:30:00 -> 08:30:00 (60 min, within), m13
    # 15:30:00 -> 08:30:01 (not within); m14 replied before it arrived -> 1/2.
    ("message_reply_1h", "2025-01", "u2"): (1, 2, 50.0),
    # m4: Mon 15:00-16:00 = 60 min; 24-26 Dec are holidays; Fri 08:00 adds nothing.
    ("message_reply_1h", "2024-12", "u1"): (1, 1, 100.0),
    # m9's reply would be within (30 + 20 min) but comes after the cutoff.
    ("message_reply_1h", "2025-03", "u1"): (0, 1, 0.0),
    # k1 and k6 same day; k4 answered at local midnight; k3 abandoned, k2 called back.
    ("call_same_day", "2025-01", "u1"): (2, 6, 100 / 3),
    ("call_abandon_rate", "2025-01", "u1"): (1, 6, 100 / 6),
    # u1 books 1, 10, 14 -> 10; county 0, 1, 10, 14, 17 -> 10; doctors 1 and 10 -> 5.5.
    ("t3_days", "2025-01", "u1"): (NAN, NAN, 10.0),
    ("t3_days", "2025-01", ""): (NAN, NAN, 10.0),
    ("t3_days", "2025-01", "u3"): (NAN, NAN, 0.0),
    ("t3_days_doctor", "2025-Q1", ""): (NAN, NAN, 5.5),
    ("t3_not_measurable", "2025", ""): (NAN, NAN, 2.0),
    # 10 x 70 + 5 x 80 over 15 respondents; the 0-respondent rows add nothing.
    ("qwl_index", "2025-Q1", "u1"): (1100, 15, 1100 / 15),
}

ABSENT = [
    ("statement_mean_s2", "2024-12", ""),  # the only s2 answer is 0
    ("nps", "2024-12", "u3"),  # r4 has no nps
    ("qwl_index", "2025-01", "u2"),  # 0 respondents
    ("t3_days_doctor", "2025-01", "u2"),  # dentists only
    ("care_guarantee_legal", "2024-12", "u3"),  # mental health unit
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("edge")
    path = folder / "warehouse.duckdb"
    load_extract(write_edge_extract(folder / "extract"), path)
    return path


def _indexed(rows: pd.DataFrame) -> dict[tuple[str, str, str], dict[Hashable, Any]]:
    """Rows by (indicator_id, period, unit_id)."""
    return {(r["indicator_id"], r["period"], r["unit_id"]): r for r in rows.to_dict("records")}


def test_baseline_matches_hand_computed_values(warehouse: Path) -> None:
    rows = _indexed(compute_with_pandas(warehouse))
    for key, (numerator, denominator, value) in EXPECTED.items():
        got = rows[key]
        assert got["numerator"] == pytest.approx(numerator, nan_ok=True), key
        assert got["denominator"] == pytest.approx(denominator, nan_ok=True), key
        assert got["value"] == pytest.approx(value, rel=1e-12), key


def test_rows_without_events_do_not_exist(warehouse: Path) -> None:
    rows = _indexed(compute_with_pandas(warehouse))
    for key in ABSENT:
        assert key not in rows, key


def test_orphans_are_provisional_until_90_days_after_the_period(warehouse: Path) -> None:
    # Cutoff 2025-03-30T22:30Z is 2025-03-31 local: 31 Dec + 90 days = 31 Mar (final),
    # 31 Jan + 59 days (provisional). Other indicators are never provisional.
    rows = _indexed(compute_with_pandas(warehouse))
    assert not rows[("orphan_assessments", "2024-12", "u1")]["provisional"]
    assert not rows[("orphan_assessments", "2024", "")]["provisional"]
    assert rows[("orphan_assessments", "2025-01", "u1")]["provisional"]
    assert not rows[("care_guarantee_7d", "2025-01", "u1")]["provisional"]


def test_public_role_blanks_small_cells_except_t3(warehouse: Path) -> None:
    rows = _indexed(compute_with_pandas(warehouse, role="public"))
    small = rows[("contacts_remote", "2025-01", "u1")]  # count 3
    assert small["suppressed"] and math.isnan(small["value"])
    assert not rows[("contacts_total", "2025-01", "u1")]["suppressed"]  # count 7
    orphan = rows[("orphan_assessments", "2025-01", "u1")]  # denominator 4, provisional kept
    assert orphan["suppressed"] and orphan["provisional"] and math.isnan(orphan["numerator"])
    t3 = rows[("t3_not_measurable", "2025-01", "u1")]
    assert not t3["suppressed"] and t3["value"] == 1.0


def test_rows_are_in_plain_string_order(warehouse: Path) -> None:
    rows = compute_with_pandas(warehouse)
    keys = list(rows[["indicator_id", "period", "unit_id"]].itertuples(index=False, name=None))
    assert keys == sorted(keys)
    assert list(rows.columns) == list(OUTPUT_COLUMNS)


def test_missing_optional_sources_give_no_rows(tmp_path: Path) -> None:
    # Only units, persons and one contact (c1: p1 aged 45, R10 doctor visit): the remote share
    # and the volumes need nothing optional; coverage needs assessments.csv, which is missing.
    warehouse = tmp_path / "warehouse.duckdb"
    load_extract(write_extract(tmp_path / "extract", MINIMAL), warehouse)
    rows = compute_with_pandas(warehouse)
    assert set(rows["indicator_id"]) == {
        "remote_contact_share_20plus",
        "contacts_total",
        "contacts_in_person",
    }


def test_header_only_source_is_available_with_no_rows(tmp_path: Path) -> None:
    # assessments.csv has only its header: every link is broken, so coverage is a true 0 %
    # (Jan u1: c12, c14, c17 -> 0/3); feedback_responses.csv is missing, so the response
    # rate is not computable and has no rows although invitations exist.
    warehouse = tmp_path / "warehouse.duckdb"
    load_extract(write_partial_extract(tmp_path / "extract"), warehouse)
    rows = compute_with_pandas(warehouse)
    coverage = _indexed(rows)[("assessment_coverage", "2025-01", "u1")]
    assert (coverage["numerator"], coverage["denominator"], coverage["value"]) == (0, 3, 0.0)
    ids = set(rows["indicator_id"])
    assert "feedback_response_rate" not in ids
    assert "care_guarantee_7d" not in ids  # no first treatment events without assessments
