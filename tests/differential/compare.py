"""Putting engine rows and baseline rows side by side (output-v1 columns).

The engine returns ``IndicatorRow`` objects, the baseline a DataFrame; both become one frame
with float numbers (NaN for empty) so a disagreement can be named by indicator, period and unit.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from tilannekuva.indicators.rows import OUTPUT_COLUMNS

COLUMNS = list(OUTPUT_COLUMNS)
KEY = ["indicator_id", "period", "unit_id"]
NUMBERS = ["numerator", "denominator", "value"]
REL_TOL = 1e-9


def _as_dict(row: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return dataclasses.asdict(row)
    if hasattr(row, "model_dump"):
        return dict(row.model_dump())
    if isinstance(row, dict):
        return row
    return {c: getattr(row, c) for c in COLUMNS}


def _number(value: Any) -> float:
    if value is None or value == "":
        return math.nan
    return float(value)


def engine_frame(rows: Iterable[Any]) -> pd.DataFrame:
    """The engine's rows as a frame in output-v1 columns, in the engine's own order."""
    records = []
    for row in rows:
        data = _as_dict(row)
        records.append(
            {
                "indicator_id": str(data["indicator_id"]),
                "period": str(data["period"]),
                "unit_id": "" if data["unit_id"] is None else str(data["unit_id"]),
                **{c: _number(data[c]) for c in NUMBERS},
                "suppressed": bool(data["suppressed"]),
                "provisional": bool(data["provisional"]),
            }
        )
    return pd.DataFrame.from_records(records, columns=COLUMNS)


def _same_number(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12)


def disagreements(engine: pd.DataFrame, baseline: pd.DataFrame) -> list[str]:
    """Every difference, one line each: missing/extra rows, then differing cells."""
    found: list[str] = []
    left = engine.set_index(KEY)
    right = baseline.set_index(KEY)
    for key in left.index.difference(right.index):
        found.append(f"only in engine: {key} {left.loc[key].to_dict()}")
    for key in right.index.difference(left.index):
        found.append(f"only in pandas: {key} {right.loc[key].to_dict()}")
    both = engine.merge(baseline, on=KEY, how="inner", suffixes=("_engine", "_pandas"))
    for _, row in both.iterrows():
        key = tuple(row[KEY])
        for column in NUMBERS:
            a, b = row[f"{column}_engine"], row[f"{column}_pandas"]
            if not _same_number(float(a), float(b)):
                found.append(f"{key} {column}: engine={a!r} pandas={b!r}")
        for column in ("suppressed", "provisional"):
            a, b = row[f"{column}_engine"], row[f"{column}_pandas"]
            if bool(a) != bool(b):
                found.append(f"{key} {column}: engine={a} pandas={b}")
    return found


def order_problems(engine: pd.DataFrame) -> list[str]:
    """output-v1: rows sorted by indicator_id, period, unit_id in plain string order."""
    keys = list(engine[KEY].itertuples(index=False, name=None))
    return [
        f"row {i}: {keys[i - 1]} before {keys[i]}"
        for i in range(1, len(keys))
        if keys[i - 1] >= keys[i]
    ]
