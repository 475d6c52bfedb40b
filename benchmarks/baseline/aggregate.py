"""From event rows to indicator rows: every period kind × every scope (indicators-v1, intro).

An event table has ``date`` (the local date of the anchor, midnight), ``unit_id`` (the unit of
the anchor event) and the columns to aggregate. Each event lands in one month, one quarter and
one year, and in the county scope (``unit_id`` empty) as well as its own unit; units do not
roll up. Only groups that have events appear, which is the "Which rows exist" rule once the
caller has kept exactly the events that enter the denominator (or are counted / measurable).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tilannekuva.indicators.rows import OUTPUT_COLUMNS as ROW_CONTRACT

# The output-v1 columns are the contract both implementations write, not logic to re-derive.
OUTPUT_COLUMNS = list(ROW_CONTRACT)
ROW_COLUMNS = OUTPUT_COLUMNS[:6]


def _period_labels(kind: str, keys: pd.Series) -> list[str]:
    """``2025-03``, ``2025-Q1`` or ``2025`` from the integer group keys."""
    if kind == "month":
        return [f"{k // 100:04d}-{k % 100:02d}" for k in keys]
    if kind == "quarter":
        return [f"{k // 10:04d}-Q{k % 10}" for k in keys]
    return [f"{k:04d}" for k in keys]


def over_periods(events: pd.DataFrame, columns: list[str], how: str) -> pd.DataFrame:
    """Aggregate ``columns`` with ``how`` per period × unit and per period for the county."""
    year = events["date"].dt.year.to_numpy()
    month = events["date"].dt.month.to_numpy()
    keys = {
        "month": year * 100 + month,
        "quarter": year * 10 + (month - 1) // 3 + 1,
        "year": year,
    }
    parts = []
    for kind, key in keys.items():
        frame = events[[*columns, "unit_id"]].assign(key=key)
        units = frame.groupby(["key", "unit_id"])[columns].agg(how).reset_index()
        county = frame.groupby("key")[columns].agg(how).reset_index().assign(unit_id="")
        both = pd.concat([units, county], ignore_index=True)
        both["period"] = _period_labels(kind, both["key"])
        parts.append(both.drop(columns="key"))
    return pd.concat(parts, ignore_index=True)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype=float if c in ROW_COLUMNS[3:] else str) for c in ROW_COLUMNS}
    )


def ratio_rows(indicator_id: str, events: pd.DataFrame, scale: float = 100.0) -> pd.DataFrame:
    """Rows with numerator = Σ ``num``, denominator = Σ ``den``, value = scale × num / den."""
    if events.empty:
        return _empty()
    rows = over_periods(events, ["num", "den"], "sum")
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "period": rows["period"],
            "unit_id": rows["unit_id"],
            "numerator": rows["num"].astype(float),
            "denominator": rows["den"].astype(float),
            "value": scale * rows["num"].astype(float) / rows["den"].astype(float),
        }
    )


def count_rows(indicator_id: str, events: pd.DataFrame) -> pd.DataFrame:
    """Rows whose value is the number of events; numerator and denominator empty."""
    if events.empty:
        return _empty()
    rows = over_periods(events.assign(n=1), ["n"], "sum")
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "period": rows["period"],
            "unit_id": rows["unit_id"],
            "numerator": np.nan,
            "denominator": np.nan,
            "value": rows["n"].astype(float),
        }
    )


def median_rows(indicator_id: str, events: pd.DataFrame) -> pd.DataFrame:
    """Rows whose value is the median of ``days`` (mean of the two middle values when even)."""
    if events.empty:
        return _empty()
    rows = over_periods(events, ["days"], "median")
    return pd.DataFrame(
        {
            "indicator_id": indicator_id,
            "period": rows["period"],
            "unit_id": rows["unit_id"],
            "numerator": np.nan,
            "denominator": np.nan,
            "value": rows["days"].astype(float),
        }
    )


def events(date: pd.Series, unit_id: pd.Series, **values: pd.Series | int) -> pd.DataFrame:
    """An event table from aligned columns (a scalar value repeats on every row)."""
    return pd.DataFrame({"date": date, "unit_id": unit_id, **values})
