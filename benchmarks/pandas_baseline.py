"""All indicators of indicators-v1 computed with plain pandas, as an independent reference.

The Ibis engine (``tilannekuva.indicators``) is the product; this module re-derives the same
numbers from the spec with ordinary DataFrame operations, so the differential tests can compare
the two row by row and the benchmark can measure how much faster the engine is. It reads the
warehouse of the current load (docs/warehouse.md) and returns exactly the output-v1 columns.

The output is a DataFrame with ``numerator``, ``denominator`` and ``value`` as floats (NaN when
empty) and ``suppressed``/``provisional`` as booleans, sorted by indicator_id, period, unit_id in
plain string order (output-v1).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from benchmarks.baseline.aggregate import OUTPUT_COLUMNS
from benchmarks.baseline.care import access_rows, contacts_with_links
from benchmarks.baseline.contacts import remote_share_rows, volume_rows
from benchmarks.baseline.feedback import feedback_rows
from benchmarks.baseline.service import call_rows, message_rows, qwl_rows
from benchmarks.baseline.t3 import t3_rows
from benchmarks.baseline.tables import Tables, read_tables

ROLES = ("analyst", "public")
NEVER_SUPPRESSED = frozenset({"t3_days", "t3_days_doctor", "t3_not_measurable"})
COUNT_INDICATORS = frozenset({"contacts_total", "contacts_remote", "contacts_in_person"})
PROVISIONAL_INDICATORS = frozenset({"orphan_assessments"})
PROVISIONAL_DAYS = 90

# The optional sources each indicator cannot do without. A missing file makes the indicator
# "not computable, not zero" (extract-v1) and gives it no rows at all (indicators-v1,
# Clarifications). Coverage needs the assessments too: without them no link can be valid, and
# a 0 % coverage would be reported where the truth is unknown. The response rate needs both
# feedback files for the same reason.
_ASSESSMENTS = ("assessments",)
_RESPONSES = ("feedback_responses",)
NEEDS: dict[str, tuple[str, ...]] = {
    "care_guarantee_7d": _ASSESSMENTS,
    "care_guarantee_legal": _ASSESSMENTS,
    "assessment_coverage": _ASSESSMENTS,
    "assessment_coverage_doctor": _ASSESSMENTS,
    "assessment_coverage_dentist": _ASSESSMENTS,
    "orphan_assessments": _ASSESSMENTS,
    "nps": _RESPONSES,
    "nps_promoters_pct": _RESPONSES,
    "nps_detractors_pct": _RESPONSES,
    **{f"statement_mean_s{i}": _RESPONSES for i in range(1, 8)},
    "feedback_response_rate": ("feedback_invitations", "feedback_responses"),
    "message_reply_1h": ("messages",),
    "call_same_day": ("calls",),
    "call_abandon_rate": ("calls",),
    "t3_days": ("slot_snapshots",),
    "t3_days_doctor": ("slot_snapshots",),
    "t3_not_measurable": ("slot_snapshots",),
    "qwl_index": ("staff_survey",),
}


def period_last_day(period: str) -> date:
    """The last calendar day of ``2025-03``, ``2025-Q1`` or ``2025``."""
    year = int(period[:4])
    if len(period) == 4:
        return date(year, 12, 31)
    last_month = int(period[6]) * 3 if period[5] == "Q" else int(period[5:7])
    return (pd.Timestamp(year=year, month=last_month, day=1) + pd.offsets.MonthEnd(0)).date()


def mark_provisional(rows: pd.DataFrame, cutoff_local_date: date) -> pd.Series:
    """orphan_assessments rows whose period ended fewer than 90 days before the cutoff date."""
    last_days = {p: period_last_day(p) for p in rows["period"].unique()}
    young = rows["period"].map(lambda p: (cutoff_local_date - last_days[p]).days < PROVISIONAL_DAYS)
    return rows["indicator_id"].isin(PROVISIONAL_INDICATORS) & young.astype(bool)


def suppress(rows: pd.DataFrame) -> pd.DataFrame:
    """Role ``public``: blank rows whose denominator (counts: count) is 1–4; T3 never."""
    size = rows["denominator"].where(~rows["indicator_id"].isin(COUNT_INDICATORS), rows["value"])
    small = size.between(1, 4) & ~rows["indicator_id"].isin(NEVER_SUPPRESSED)
    rows = rows.copy()
    rows.loc[small, ["numerator", "denominator", "value"]] = float("nan")
    rows["suppressed"] = small
    return rows


def computable(rows: pd.DataFrame, available: frozenset[str]) -> pd.Series:
    """True for rows whose indicator has every source it needs."""
    missing = {i for i, needs in NEEDS.items() if not set(needs) <= available}
    return ~rows["indicator_id"].isin(missing)


def all_rows(t: Tables) -> pd.DataFrame:
    """Every indicator's rows before roles apply (columns indicator_id … value)."""
    contacts = contacts_with_links(t)
    parts = [
        *access_rows(t, contacts),
        remote_share_rows(t, contacts),
        *volume_rows(contacts),
        *feedback_rows(t),
        message_rows(t),
        *call_rows(t),
        *t3_rows(t),
        qwl_rows(t),
    ]
    present = [p for p in parts if not p.empty]
    return pd.concat(present or parts[:1], ignore_index=True)


def compute_with_pandas(warehouse: Path, role: str = "analyst") -> pd.DataFrame:
    """All indicator rows for the warehouse's current load, in output-v1 columns and order."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    t = read_tables(warehouse)
    rows = all_rows(t)
    rows = rows[computable(rows, t.available)].reset_index(drop=True)
    rows["unit_id"] = rows["unit_id"].astype(str)
    rows["suppressed"] = False
    rows["provisional"] = mark_provisional(rows, t.cutoff_local.date())
    if role == "public":
        rows = suppress(rows)
    rows = rows.sort_values(["indicator_id", "period", "unit_id"], ignore_index=True)
    return rows[OUTPUT_COLUMNS]
